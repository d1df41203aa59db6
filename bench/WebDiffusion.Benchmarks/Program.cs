using BenchmarkDotNet.Running;

// Run all benchmarks: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
