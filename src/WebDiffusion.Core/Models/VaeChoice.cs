namespace WebDiffusion.Core.Models;

/// <summary>A separate VAE file chosen for a model (A1111's <c>sd_vae</c>), as infotext names it.</summary>
/// <param name="Path">Absolute path of the .safetensors file.</param>
/// <param name="FileName">Its file name with extension (infotext "VAE", the <c>sd_vae</c> value).</param>
/// <param name="Hash">First 10 hex of its SHA-256 (infotext "VAE hash"), or null when not hashed.</param>
public sealed record VaeChoice(string Path, string FileName, string? Hash);
