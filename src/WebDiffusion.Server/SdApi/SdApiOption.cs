using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebDiffusion.Server.SdApi;

/// <summary>One A1111 option we honour: its type, default, allowed values and whether clients may change it.</summary>
/// <param name="Kind">The accepted JSON type.</param>
/// <param name="Default">The value when never set (A1111's default).</param>
/// <param name="Allowed">For strings, the accepted values (ordinal); null: any string.</param>
/// <param name="Minimum">For numbers, the smallest accepted value.</param>
/// <param name="Maximum">For numbers, the largest accepted value.</param>
/// <param name="ReadOnly">True when a posted value is ignored (logged), e.g. folders a client must not redirect.</param>
/// <param name="Unsupported">When set, the option is not implemented: only its default is accepted, any other value is
/// refused with this reason (posting back a full A1111 options dict still works).</param>
public sealed record SdApiOption(
    SdApiOptionKind Kind,
    JsonNode? Default,
    IReadOnlyList<string>? Allowed = null,
    double Minimum = double.MinValue,
    double Maximum = double.MaxValue,
    bool ReadOnly = false,
    string? Unsupported = null)
{
    /// <summary>Checks <paramref name="value"/>; returns the normalized node to store, or an error sentence.</summary>
    public (JsonNode? Value, string? Error) Check(string key, JsonNode? value)
    {
        var (normalized, error) = CheckType(key, value);
        if (error is null && Unsupported is not null && !JsonNode.DeepEquals(normalized, Default))
        {
            return (null, $"'{key}' is not supported: {Unsupported} Only its default {Default?.ToJsonString()} is accepted.");
        }

        return (normalized, error);
    }

    /// <summary>
    /// Checks an <c>override_settings</c> value, which arrives as text (a JSON literal, or a bare string; "True"/"False"
    /// as A1111 infotext writes them are accepted for booleans).
    /// </summary>
    public (JsonNode? Value, string? Error) CheckText(string key, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonNode? node;
        if (Kind == SdApiOptionKind.Boolean && bool.TryParse(text.Trim(), out var flag))
        {
            node = JsonValue.Create(flag);
        }
        else if (Kind == SdApiOptionKind.String)
        {
            node = JsonValue.Create(text);
        }
        else
        {
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                node = JsonValue.Create(text);
            }
        }

        return Check(key, node);
    }

    private (JsonNode? Value, string? Error) CheckType(string key, JsonNode? value)
    {
        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        switch (Kind)
        {
            case SdApiOptionKind.Boolean:
                return kind is JsonValueKind.True or JsonValueKind.False
                    ? (JsonValue.Create(kind == JsonValueKind.True), null)
                    : (null, $"'{key}' must be true or false.");
            case SdApiOptionKind.List:
                return kind == JsonValueKind.Array ? (value!.DeepClone(), null) : (null, $"'{key}' must be a list (JSON array).");
            case SdApiOptionKind.Any:
                return (value?.DeepClone(), null);
            case SdApiOptionKind.String:
                if (kind != JsonValueKind.String)
                {
                    return (null, $"'{key}' must be a string.");
                }

                var text = value!.GetValue<string>();
                return Allowed is null || Allowed.Contains(text, StringComparer.Ordinal)
                    ? (JsonValue.Create(text), null)
                    : (null, $"'{key}' must be one of: {string.Join(", ", Allowed)}.");
            default:
                if (kind != JsonValueKind.Number)
                {
                    return (null, $"'{key}' must be a number.");
                }

                var number = double.Parse(value!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
                if (Kind == SdApiOptionKind.Integer && number != Math.Floor(number))
                {
                    return (null, $"'{key}' must be a whole number.");
                }

                if (number < Minimum || number > Maximum)
                {
                    return (null, string.Create(CultureInfo.InvariantCulture, $"'{key}' must be between {Minimum} and {Maximum}."));
                }

                return Kind == SdApiOptionKind.Integer ? (JsonValue.Create((long)number), null) : (JsonValue.Create(number), null);
        }
    }
}
