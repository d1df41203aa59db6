namespace WebDiffusion.Core.Lora;

/// <summary>A LoRA file that cannot be used: unreadable, or with factors of inconsistent shapes. The message names the file.</summary>
public sealed class LoraFormatException(string filePath, string message, Exception? inner = null)
    : Exception($"LoRA '{filePath}': {message}", inner)
{
    /// <summary>The file.</summary>
    public string FilePath { get; } = filePath;
}
