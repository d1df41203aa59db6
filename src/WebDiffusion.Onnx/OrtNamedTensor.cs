namespace WebDiffusion.Onnx;

/// <summary>A tensor paired with the model input or output name it binds to.</summary>
/// <param name="Name">The model input or output name.</param>
/// <param name="Tensor">The tensor.</param>
public readonly record struct OrtNamedTensor(string Name, OrtTensor Tensor);
