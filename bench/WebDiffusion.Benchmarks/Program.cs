using BenchmarkDotNet.Running;
using WebDiffusion.Benchmarks.Server;

// Long server and pipeline measurements: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- harness <name> (see bench/README.md)
if (args.Length > 0 && args[0] == "harness")
{
    return await Harnesses.RunAsync(args[1..]);
}

// Run all benchmarks: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Harnesses).Assembly).Run(args);
return 0;
