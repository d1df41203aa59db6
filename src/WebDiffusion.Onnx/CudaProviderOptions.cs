using System.Globalization;

namespace WebDiffusion.Onnx;

/// <summary>Options of the CUDA execution provider (passed as <c>UpdateCUDAProviderOptions</c> key/value strings).</summary>
public sealed class CudaProviderOptions
{
    /// <summary>GPU ordinal (<c>device_id</c>).</summary>
    public int DeviceId { get; set; }

    /// <summary>Byte limit of the provider's memory arena (<c>gpu_mem_limit</c>); null = no limit.</summary>
    public long? GpuMemLimit { get; set; }

    /// <summary>cuDNN convolution algorithm search (<c>cudnn_conv_algo_search</c>).</summary>
    public CudnnConvAlgoSearch CudnnConvAlgoSearch { get; set; } = CudnnConvAlgoSearch.Exhaustive;

    /// <summary>Capture and replay a CUDA graph (<c>enable_cuda_graph</c>): fixed shapes and IO binding required.</summary>
    public bool EnableCudaGraph { get; set; }

    /// <summary>Further provider options by their ORT key (e.g. <c>prefer_nhwc</c>, <c>use_tf32</c>); these win over the properties.</summary>
    public IDictionary<string, string> Extra { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The options as ORT keys and values.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToKeyValues()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["device_id"] = DeviceId.ToString(CultureInfo.InvariantCulture),
            ["cudnn_conv_algo_search"] = CudnnConvAlgoSearch switch
            {
                CudnnConvAlgoSearch.Heuristic => "HEURISTIC",
                CudnnConvAlgoSearch.Default => "DEFAULT",
                _ => "EXHAUSTIVE",
            },
            ["enable_cuda_graph"] = EnableCudaGraph ? "1" : "0",
        };
        if (GpuMemLimit is { } limit)
        {
            values["gpu_mem_limit"] = limit.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in Extra)
        {
            values[key] = value;
        }

        return [.. values];
    }
}
