namespace WebDiffusion.Onnx.Native;

/// <summary>Turns an <c>OrtStatus*</c> into an exception, releasing it exactly once.</summary>
internal static unsafe class OrtStatus
{
    /// <summary>Does nothing for NULL (success); otherwise copies code and message, releases the status and throws.</summary>
    public static void ThrowIfFailed(nint status)
    {
        if (status != 0)
        {
            throw ToException(status, context: null);
        }
    }

    /// <summary>Like <see cref="ThrowIfFailed(nint)"/>, prefixing the message with <paramref name="context"/> (e.g. the model file).</summary>
    public static void ThrowIfFailed(nint status, string context)
    {
        if (status != 0)
        {
            throw ToException(status, context);
        }
    }

    /// <summary>Reads and releases a non-NULL status; returns the exception to throw.</summary>
    public static OrtException ToException(nint status, string? context)
    {
        var (code, message) = Consume(status);
        return new OrtException(code, context is null ? message : $"{context}: {message}");
    }

    /// <summary>Reads code and message of a non-NULL status, then releases it.</summary>
    public static (OrtErrorCode Code, string Message) Consume(nint status)
    {
        ref readonly var api = ref OrtNative.Api;
        try
        {
            var code = (OrtErrorCode)api.GetErrorCode(status);
            var message = Utf8.ToStringOrEmpty(api.GetErrorMessage(status));
            return (code, message);
        }
        finally
        {
            api.ReleaseStatus(status);
        }
    }

    /// <summary>Releases a status whose content does not matter (e.g. after cancellation).</summary>
    public static void Release(nint status)
    {
        if (status != 0)
        {
            OrtNative.Api.ReleaseStatus(status);
        }
    }
}
