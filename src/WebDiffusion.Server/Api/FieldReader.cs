using System.Globalization;
using System.Text.Json;

namespace WebDiffusion.Server.Api;

/// <summary>
/// Typed, error-collecting reads of the top-level fields of a JSON object. <paramref name="imageCheck"/>, when given, checks
/// each decoded image and returns why it is unusable (or null); the problem is recorded under the image's field.
/// </summary>
internal sealed class FieldReader(JsonElement body, Dictionary<string, List<string>> errors, Func<byte[], string?>? imageCheck = null)
{
    public string? String(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.String)
        {
            return v.GetString();
        }

        Error(name, "must be a string");
        return null;
    }

    public int? Int(string name)
    {
        var value = Double(name);
        if (value is null)
        {
            return null;
        }

        if (value != Math.Floor(value.Value) || value < int.MinValue || value > int.MaxValue)
        {
            Error(name, "must be a whole number");
            return null;
        }

        return (int)value.Value;
    }

    public long? Long(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l))
        {
            return l;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e18)
        {
            return (long)d;
        }

        if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s))
        {
            return s;
        }

        Error(name, "must be a whole number");
        return null;
    }

    public double? Double(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d))
        {
            return d;
        }

        // JSON has no NaN; Python clients send "NaN"/"Infinity" as strings or bare tokens that fail parsing earlier.
        if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
        {
            if (!double.IsFinite(s))
            {
                Error(name, "must be a finite number");
                return null;
            }

            return s;
        }

        Error(name, "must be a number");
        return null;
    }

    public bool? Bool(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }

        switch (v.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number when v.TryGetInt32(out var i) && i is 0 or 1:
                return i == 1;
            default:
                Error(name, "must be true or false");
                return null;
        }
    }

    public byte[]? Image(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            Error(name, "must be a base64 image string");
            return null;
        }

        return DecodeBase64Image(name, v.GetString()!);
    }

    public IReadOnlyList<byte[]>? Images(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            Error(name, "must be a list of base64 images");
            return null;
        }

        var list = new List<byte[]>();
        var index = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                Error(name, $"item {index} must be a base64 image string");
            }
            else if (DecodeBase64Image($"{name}[{index}]", item.GetString()!) is { } bytes)
            {
                list.Add(bytes);
            }

            index++;
        }

        return list;
    }

    public IReadOnlyDictionary<string, string>? StringMap(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            Error(name, "must be an object");
            return null;
        }

        return v.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// Accepts plain base64 or a <c>data:...;base64,</c> URL (<see cref="Base64Image"/>, the decoder PNG Info and
    /// Extras use too); returns null and records an error otherwise.
    /// </summary>
    public byte[]? DecodeBase64Image(string field, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Base64Image.TryDecode(text);
        if (bytes is null)
        {
            Error(field, "is not valid base64 (send plain base64 or a data:image/png;base64,... URL)");
            return null;
        }

        if (imageCheck?.Invoke(bytes) is { } problem)
        {
            Error(field, problem);
            return null;
        }

        return bytes;
    }

    private bool TryGet(string name, out JsonElement value)
    {
        if (body.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    private void Error(string name, string message)
    {
        if (!errors.TryGetValue(name, out var list))
        {
            errors[name] = list = [];
        }

        list.Add($"{name} {message.TrimEnd('.')}.");
    }
}
