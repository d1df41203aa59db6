using WebDiffusion.Core.Tests.Checkpoints.Compiler;

namespace WebDiffusion.Core.Tests.Checkpoints.Pipeline;

/// <summary>
/// Puts the sd-reference checkpoints into a folder the way a user adds a checkpoint: the .safetensors file (a symbolic link,
/// not a 19 MB copy) with a <c>.yaml</c> beside it. The yaml is the fixture's own plus the text encoder's head count from
/// its config.json (<c>cond_stage_text_config.num_attention_heads</c>: 2): the real SD 1.x yaml names none because
/// A1111 takes CLIP ViT-L's (12 = width ÷ 64), and the tiny CLIP's 64 ÷ 2 heads do not follow that rule.
/// </summary>
internal static class SdReferenceInstall
{
    /// <summary>Links both checkpoints into <paramref name="folder"/> and writes their yaml files; returns the fp32 and fp16 paths.</summary>
    public static (string Fp32, string Fp16) Into(string folder)
    {
        Directory.CreateDirectory(folder);
        var yaml = File.ReadAllText(SharedTestData.File("sd-reference", "tiny-sd15.yaml")).TrimEnd()
            + "\n    cond_stage_text_config:\n      num_attention_heads: 2\n";
        string Link(string source)
        {
            var target = Path.Combine(folder, Path.GetFileName(source));
            File.CreateSymbolicLink(target, source);
            File.WriteAllText(Path.ChangeExtension(target, ".yaml"), yaml);
            return target;
        }

        return (Link(SdReference.Fp32Checkpoint), Link(SdReference.Fp16Checkpoint));
    }
}
