using System.Diagnostics;
using WebDiffusion.Benchmarks.Checkpoints;
using WebDiffusion.Benchmarks.Server;
using WebDiffusion.Core.Upscaling;
using WebDiffusion.Onnx;

namespace WebDiffusion.Benchmarks.Upscaling;

/// <summary>
/// 4× upscale of a random image with a full-size RRDBNet (BasicSR keys, 23 blocks, 64 features, 32 growth channels: the
/// RealESRGAN_x4plus shape) of random fp16 weights written to a temp safetensors file: compile + session time, then per
/// mode (tiled at A1111's 192/8, untiled) the wall time of one upscale and the peak RSS during it.
/// </summary>
public static class UpscaleHarness
{
    public static Task<int> RunAsync(HarnessArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var size = args.Int("size", 512);
        var blocks = args.Int("blocks", 23);
        var feat = args.Int("feat", 64);
        var grow = args.Int("grow", 32);
        var tile = args.Int("tile", 192);
        var overlap = args.Int("overlap", 8);
        var modes = args.StringList("modes", ["tiled", "untiled"]);
        var folder = Directory.CreateTempSubdirectory("wd-upscale-bench-");
        try
        {
            var path = Path.Combine(folder.FullName, "rrdbnet_x4.safetensors");
            var bytes = RandomCheckpointWriter.Write(path, Layout(blocks, feat, grow));
            Console.WriteLine($"RRDBNet x4: {blocks} blocks, {feat} features, {grow} growth; {ProcessMemory.Mib(bytes)} fp16 weights");
            using var runtime = OrtRuntime.Load();
            var watch = Stopwatch.StartNew();
            using var upscaler = NeuralUpscaler.Open(runtime, path, new OrtSessionOptions { IntraOpThreads = Environment.ProcessorCount });
            Console.WriteLine($"compile + session: {watch.Elapsed.TotalSeconds:F2} s, RSS {ProcessMemory.Mib(ProcessMemory.Rss)}");
            var random = new Random(1);
            var image = new float[3 * size * size];
            for (var i = 0; i < image.Length; i++)
            {
                image[i] = (float)random.NextDouble();
            }

            foreach (var mode in modes)
            {
                var tiling = mode == "untiled" ? UpscalerTiling.None : new UpscalerTiling(tile, overlap);
                ProcessMemory.FullCollect();
                var reset = ProcessMemory.TryResetPeak();
                var before = ProcessMemory.Rss;
                watch.Restart();
                var output = upscaler.UpscalePlanar(image, size, size, tiling);
                var seconds = watch.Elapsed.TotalSeconds;
                Console.WriteLine($"{mode} ({(mode == "untiled" ? "one pass" : $"tile {tile}, overlap {overlap}")}): {size}² → {size * 4}², {seconds:F1} s, " +
                    $"peak RSS {ProcessMemory.Mib(ProcessMemory.PeakRss)} (RSS before {ProcessMemory.Mib(before)}{(reset ? string.Empty : "; peak not reset, process-wide")}), {output.Length} values");
            }

            return Task.FromResult(0);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static List<(string Name, long[] Shape)> Layout(int blocks, int feat, int grow)
    {
        var tensors = new List<(string, long[])>();
        void Conv(string name, long outCh, long inCh)
        {
            tensors.Add((name + ".weight", [outCh, inCh, 3, 3]));
            tensors.Add((name + ".bias", [outCh]));
        }

        Conv("conv_first", feat, 3);
        for (var b = 0; b < blocks; b++)
        {
            for (var r = 1; r <= 3; r++)
            {
                for (var c = 1; c <= 5; c++)
                {
                    Conv($"body.{b}.rdb{r}.conv{c}", c == 5 ? feat : grow, feat + ((c - 1) * grow));
                }
            }
        }

        Conv("conv_body", feat, feat);
        Conv("conv_up1", feat, feat);
        Conv("conv_up2", feat, feat);
        Conv("conv_hr", feat, feat);
        Conv("conv_last", 3, feat);
        return tensors;
    }
}
