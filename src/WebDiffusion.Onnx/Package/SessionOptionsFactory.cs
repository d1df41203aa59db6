using Microsoft.ML.OnnxRuntime;

namespace WebDiffusion.Onnx.Package;

/// <summary>Turns <see cref="OrtSessionOptions"/> into the package's <see cref="SessionOptions"/>.</summary>
internal static class SessionOptionsFactory
{
    /// <summary>
    /// Builds the native options. <paramref name="level"/> overrides the configured optimization level (a cached,
    /// already optimized model loads with none); <paramref name="saveOptimizedTo"/> makes ORT write the optimized model
    /// there, its large initializers into <paramref name="saveOptimizedDataFile"/> beside it.
    /// </summary>
    public static SessionOptions Build(
        OrtSessionOptions options,
        OrtGraphOptimizationLevel level,
        string? saveOptimizedTo,
        string? saveOptimizedDataFile,
        IReadOnlyList<(string Name, OrtValue Value)> initializers)
    {
        var so = new SessionOptions();
        try
        {
            so.GraphOptimizationLevel = (GraphOptimizationLevel)(int)level;
            if (options.IntraOpThreads > 0)
            {
                so.IntraOpNumThreads = options.IntraOpThreads;
            }

            if (options.InterOpThreads > 0)
            {
                so.InterOpNumThreads = options.InterOpThreads;
            }

            so.EnableCpuMemArena = options.EnableMemoryArena;
            so.EnableMemoryPattern = options.EnableMemoryPattern;
            if (options.LogLevel is { } logLevel)
            {
                so.LogSeverityLevel = (OrtLoggingLevel)(int)logLevel;
            }

            foreach (var (name, value) in options.FreeDimensionOverrides)
            {
                so.AddFreeDimensionOverrideByName(name, value);
            }

            foreach (var (key, value) in options.ConfigEntries)
            {
                so.AddSessionConfigEntry(key, value);
            }

            var optimizedPath = saveOptimizedTo ?? options.OptimizedModelPath;
            if (!string.IsNullOrEmpty(optimizedPath))
            {
                so.OptimizedModelFilePath = Path.GetFullPath(optimizedPath);
                if (saveOptimizedDataFile is not null)
                {
                    so.AddSessionConfigEntry("session.optimized_model_external_initializers_file_name", saveOptimizedDataFile);
                    so.AddSessionConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
                }
            }

            foreach (var (name, value) in initializers)
            {
                so.AddInitializer(name, value);
            }

            return so;
        }
        catch
        {
            so.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends the CUDA provider; null on success, else why not (ORT's message plus, when ORT logged one, the library it
    /// could not load).
    /// </summary>
    public static string? TryAppendCuda(SessionOptions so, CudaProviderOptions cuda)
    {
        OrtLog.ResetLoadFailure();
        try
        {
            using var providerOptions = new OrtCUDAProviderOptions();
            providerOptions.UpdateOptions(cuda.ToKeyValues().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
            so.AppendExecutionProvider_CUDA(providerOptions);
            return null;
        }
        catch (OnnxRuntimeException ex)
        {
            return Describe(OrtErrors.Parse(ex.Message).Message);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return Describe(ex.Message);
        }
    }

    /// <summary>ORT's reason, with the missing library ORT logged on this thread when there is one.</summary>
    public static string Describe(string reason)
    {
        var logged = OrtLog.LastLoadFailure;
        var missing = OrtLog.MissingLibrary(logged);
        return missing is null ? reason : $"{reason}; ORT could not load {missing} ({logged!.Trim()})";
    }
}
