using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using WebDiffusion.ModelKit;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary>Model folders and files for the /sdapi tests.</summary>
internal static class SdApiFixtures
{
    private static readonly string ClipFolder = Path.GetFullPath(Path.Combine(RepositoryRoot.Path, "..", "shared", "testdata", "clip"));

    /// <summary>Writes a loadable tiny model at models/Stable-diffusion/<paramref name="name"/>.</summary>
    public static void WriteTinyModel(string root, string name) =>
        TinyModelWriter.WriteModel(Path.Combine(root, "models", "Stable-diffusion", name), TinyModelVariant.Fp32, folder =>
        {
            File.Copy(Path.Combine(ClipFolder, "vocab.json"), Path.Combine(folder, "vocab.json"));
            File.Copy(Path.Combine(ClipFolder, "merges.txt"), Path.Combine(folder, "merges.txt"));
        });

    /// <summary>Writes a safetensors embedding with one <c>emb_params</c> tensor of <paramref name="vectors"/> × <paramref name="dim"/>.</summary>
    public static void WriteEmbedding(string path, int vectors, int dim)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var header = Encoding.UTF8.GetBytes(
            $"{{\"emb_params\":{{\"dtype\":\"F32\",\"shape\":[{vectors},{dim}],\"data_offsets\":[0,{vectors * dim * 4}]}}}}");
        using var stream = File.Create(path);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        stream.Write(new byte[vectors * dim * 4]);
    }

    /// <summary>Parses a response body, asserting its status first (the body is in the message when it differs).</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    /// <summary>A temporary folder deleted on dispose, for state that must outlive one server.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wd-sdapi-" + Guid.NewGuid().ToString("N")[..12]);

        public TempFolder() => Directory.CreateDirectory(Path);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Cleaned by the OS.
            }
        }
    }
}
