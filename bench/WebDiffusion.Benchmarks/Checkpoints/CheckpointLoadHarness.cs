using System.Diagnostics;
using System.Globalization;
using WebDiffusion.Benchmarks.Pipeline;
using WebDiffusion.Benchmarks.Server;
using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Onnx;

namespace WebDiffusion.Benchmarks.Checkpoints;

/// <summary>
/// A whole SD 1.5-architecture A1111 checkpoint at full size with random float16 weights (UNet, CLIP ViT-L text encoder,
/// VAE: ~2 GB in a temp folder, deleted afterwards), opened the way the server opens it (<see cref="CheckpointFileReader.Describe"/>,
/// <see cref="ModelSet.OpenCheckpoint"/>, every session created): cold load, a second load in the same process and one in
/// a new process, peak RSS ÷ file size, then txt2img through <see cref="StableDiffusionPipeline"/> (CFG, so UNet batch 2):
/// seconds per step from the step callbacks (the first, which follows the text encoder, left out) and the whole run.
/// <c>--write path</c> only writes the checkpoint (kept, for an external export); <c>--file path</c> uses an existing one;
/// <c>--load-only</c> (with <c>--file</c>) is the new-process load.
/// Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- harness checkpoint [--steps 3] [--size 512] [--sampler "Euler a"] [--file f | --write f]
/// </summary>
public static class CheckpointLoadHarness
{
    /// <summary>Every tensor of the generated checkpoint: UNet, text encoder, VAE.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> Layout() =>
        [.. UNetCheckpointLayout.Tensors(UNetCompileHarness.Sd15), .. ClipTextCheckpointLayout.Tensors(), .. VaeCheckpointLayout.Tensors()];

    public static async Task<int> RunAsync(HarnessArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var write = args.String("write", string.Empty);
        var existing = args.String("file", string.Empty);
        if (write.Length > 0)
        {
            Generate(write);
            return 0;
        }

        if (args.String("load-only", "false") != "false")
        {
            using var runtime = OrtRuntime.Load();
            Load(runtime, existing, new FileInfo(existing).Length, "new process").Dispose();
            return 0;
        }

        var folder = existing.Length > 0 ? null : Directory.CreateTempSubdirectory("wd-ckpt-bench-").FullName;
        try
        {
            var path = folder is null ? existing : Path.Combine(folder, "sd15-random-fp16.safetensors");
            var fileBytes = folder is null ? new FileInfo(path).Length : Generate(path);
            using var runtime = OrtRuntime.Load();
            Load(runtime, path, fileBytes, "cold (first in process)").Dispose();
            using var model = Load(runtime, path, fileBytes, "second in the same process");
            NewProcessLoad(path);
            await GenerateImageAsync(model, fileBytes, args.Int("steps", 3), args.Int("size", 512), args.String("sampler", "Euler a"));
            return 0;
        }
        finally
        {
            if (folder is not null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static long Generate(string path)
    {
        var layout = Layout();
        var parameters = layout.Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));
        var clock = Stopwatch.StartNew();
        var bytes = RandomCheckpointWriter.Write(path, layout);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generated {layout.Count} tensors, {parameters:N0} parameters, {ProcessMemory.Mib(bytes)} fp16 in {clock.Elapsed.TotalSeconds:F1} s ({SystemLoad.Describe()})"));
        return bytes;
    }

    private static ModelSet Load(OrtRuntime runtime, string path, long fileBytes, string label)
    {
        ProcessMemory.FullCollect();
        var peakReset = ProcessMemory.TryResetPeak();
        var load = SystemLoad.Describe();
        var clock = Stopwatch.StartNew();
        var description = CheckpointFileReader.Describe(path, Path.GetFileName(path), null);
        if (description.Error is { } error)
        {
            throw new InvalidOperationException(error);
        }

        var describeS = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var model = ModelSet.OpenCheckpoint(description, runtime, ServerLikeOptions());
        var compileS = clock.Elapsed.TotalSeconds;
        clock.Restart();
        model.OpenAll();
        var sessionsS = clock.Elapsed.TotalSeconds;
        var peak = ProcessMemory.PeakRss;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load, {label}: {describeS + compileS + sessionsS:F1} s = describe {describeS:F2} s + compile {compileS:F2} s + {model.OpenComponents.Count} sessions {sessionsS:F1} s; RSS {ProcessMemory.Mib(ProcessMemory.Rss)}, peak {ProcessMemory.Mib(peak)} = {peak / (double)fileBytes:F2} x file{(peakReset ? string.Empty : " (process peak)")} ({load})"));
        return model;
    }

    private static void NewProcessLoad(string path)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "harness", "checkpoint", "--file", path, "--load-only", "true" })
        {
            info.ArgumentList.Add(a);
        }

        var clock = Stopwatch.StartNew();
        using var child = Process.Start(info)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        Console.Write(output);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      new process wall time (runtime start included) {clock.Elapsed.TotalSeconds:F1} s, exit {child.ExitCode}"));
    }

    private static async Task GenerateImageAsync(ModelSet model, long fileBytes, int steps, int size, string sampler)
    {
        ProcessMemory.FullCollect();
        var peakReset = ProcessMemory.TryResetPeak();
        var load = SystemLoad.Describe();
        var context = new GenerationContext
        {
            Model = model,
            Tokenizer = ModelTokenizers.For(model.Description),
            Schedule = GenerationContext.ReadSchedule(model.Description),
            RandnSource = RandnSource.Cpu,
            Previewer = null,
            Version = "bench",
        };
        var request = new GenerationRequest
        {
            Prompt = "a photo of a cat",
            NegativePrompt = string.Empty,
            Width = size,
            Height = size,
            Steps = steps,
            CfgScale = 7,
            Seed = 1,
            SamplerName = sampler,
        };
        var clock = new TinyPipeline.StepClock();
        var total = Stopwatch.StartNew();
        await new StableDiffusionPipeline(context).RunAsync(request, clock, null, CancellationToken.None);
        var totalS = total.Elapsed.TotalSeconds;
        var intervals = clock.Intervals().Select(ms => ms / 1000).ToList();
        var peak = ProcessMemory.PeakRss;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"txt2img {size}x{size}, {steps} steps, {sampler}, CFG 7, batch 1: {totalS:F1} s in all; seconds per step (step intervals, first step left out) median {(intervals.Count > 0 ? Stats.Median(intervals) : double.NaN):F1} / min {(intervals.Count > 0 ? intervals.Min() : double.NaN):F1} over {intervals.Count}: [{string.Join(", ", intervals.Select(s => s.ToString("F1", CultureInfo.InvariantCulture)))}]; peak RSS {ProcessMemory.Mib(peak)} = {peak / (double)fileBytes:F2} x file{(peakReset ? string.Empty : " (process peak)")} ({load} at start, {SystemLoad.Describe()} at end)"));
    }

    /// <summary>As the server opens models on the CPU: intra-op threads = cores.</summary>
    private static OrtSessionOptions ServerLikeOptions() => new() { IntraOpThreads = Math.Max(1, Environment.ProcessorCount) };
}
