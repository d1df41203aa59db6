using System.Diagnostics;
using System.Globalization;
using WebDiffusion.Benchmarks.Server;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Onnx;

namespace WebDiffusion.Benchmarks.Checkpoints;

/// <summary>
/// The checkpoint UNet compiler at full size: generates an SD 1.5-architecture UNet (320 / [1, 2, 4, 4] / 2 ResBlocks,
/// attention on the first three levels, 8 heads, context 768) with random float16 weights (~1.7 GB, in a temp folder,
/// deleted afterwards), then per attention variant (plain MatMul/Softmax, com.microsoft MultiHeadAttention): compile time,
/// session-create time (ORT maps the weights from the file and folds the fp16 → fp32 casts), the first Run and the
/// following ones at a <c>latent</c>² latent, batch <c>batch</c>, and peak RSS (VmHWM, reset per variant where the kernel
/// allows) ÷ file size.
/// <c>--file</c> reads the UNet of an existing checkpoint (e.g. one <c>harness checkpoint --write</c> made) instead.
/// Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- harness unet-compile [--latent 64] [--batch 2] [--runs 3] [--attention plain,fused] [--file ckpt.safetensors]
/// </summary>
public static class UNetCompileHarness
{
    /// <summary>SD 1.5's UNet as v1-inference.yaml configures it.</summary>
    public static readonly UNetHyperParameters Sd15 = new(
        InChannels: 4, OutChannels: 4, ModelChannels: 320, ChannelMult: [1, 2, 4, 4], NumResBlocks: 2,
        AttentionLevels: [true, true, true, false], TransformerDepth: 1, ContextDim: 768, LinearProjection: false,
        NumHeads: 8, HeadChannels: -1);

    public static Task<int> RunAsync(HarnessArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var latent = args.Int("latent", 64);
        var batch = args.Int("batch", 2);
        var runs = args.Int("runs", 3);
        var variants = args.StringList("attention", ["plain", "fused"]);
        var existing = args.String("file", string.Empty);
        var folder = existing.Length > 0 ? null : Directory.CreateTempSubdirectory("wd-unet-bench-").FullName;
        try
        {
            var layout = UNetCheckpointLayout.Tensors(Sd15);
            var parameters = layout.Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));
            var path = folder is null ? existing : Path.Combine(folder, "sd15-unet-random-fp16.safetensors");
            var clock = Stopwatch.StartNew();
            var fileBytes = folder is null ? new FileInfo(path).Length : RandomCheckpointWriter.Write(path, layout);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(folder is null ? "read" : "generated")} {layout.Count} UNet tensors, {parameters:N0} parameters, {ProcessMemory.Mib(fileBytes)} in {clock.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores, latent {latent}x{latent}, batch {batch}, {SystemLoad.Describe()}"));
            using var runtime = OrtRuntime.Load();
            foreach (var variant in variants)
            {
                Measure(runtime, path, fileBytes, variant, latent, batch, runs);
            }

            return Task.FromResult(0);
        }
        finally
        {
            if (folder is not null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static void Measure(OrtRuntime runtime, string path, long fileBytes, string variant, int latent, int batch, int runs)
    {
        var options = new UNetCompileOptions { FusedAttention = variant == "fused" };
        ProcessMemory.FullCollect();
        var peakReset = ProcessMemory.TryResetPeak();
        using var tensors = SafetensorsFile.Open(path);
        var clock = Stopwatch.StartNew();
        var graph = UNetCompiler.Compile(tensors, Sd15, UNetCheckpointLayout.Prefix, options);
        var compileS = clock.Elapsed.TotalSeconds;

        clock.Restart();
        using var session = graph.Open(runtime);
        var openS = clock.Elapsed.TotalSeconds;
        var afterOpen = ProcessMemory.Take(collect: false);

        var (times, output) = UNetRunTimer.Time(session, latent, batch, Sd15.ContextDim, runs);
        var finite = output.All(float.IsFinite);

        var peak = ProcessMemory.PeakRss;
        var steady = times.Skip(1).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{variant,-5} attention: compile {compileS:F2} s (graph {graph.Model.Length / 1024.0:F0} KiB), session create {openS:F1} s ({afterOpen}), first Run {times[0]:F2} s, Run median {Stats.Median(steady):F2} s / min {steady.Min():F2} s over {steady.Count}, output finite {finite}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"      peak RSS {ProcessMemory.Mib(peak)} = {peak / (double)fileBytes:F2} x file size{(peakReset ? string.Empty : " (peak not reset: includes earlier variants)")}"));
    }
}
