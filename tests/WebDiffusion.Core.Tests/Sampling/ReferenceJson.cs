using System.Text.Json;

namespace WebDiffusion.Core.Tests.Sampling;

/// <summary>Loads the shared reference JSON files once.</summary>
internal static class ReferenceJson
{
    private static readonly Lazy<JsonDocument> SchedulesDoc = new(() => JsonDocument.Parse(File.ReadAllText(SharedTestData.File("schedules", "schedules.json"))));
    private static readonly Lazy<JsonDocument> RngDoc = new(() => JsonDocument.Parse(File.ReadAllText(SharedTestData.File("rng", "torch_rng_reference.json"))));

    public static JsonElement Schedules => SchedulesDoc.Value.RootElement;

    public static JsonElement Rng => RngDoc.Value.RootElement;

    public static double[] Doubles(this JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static JsonElement StartingWith(this JsonElement obj, string prefix)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return p.Value;
            }
        }

        throw new KeyNotFoundException(prefix);
    }
}
