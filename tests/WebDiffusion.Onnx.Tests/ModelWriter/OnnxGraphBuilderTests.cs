using WebDiffusion.Onnx.ModelWriter;
using WebDiffusion.Onnx.Protos;

namespace WebDiffusion.Onnx.Tests.ModelWriter;

public class OnnxGraphBuilderTests
{
    [Fact]
    public void Written_model_parses_back_with_the_same_graph()
    {
        var g = new OnnxGraphBuilder("add", opset: 17);
        g.Input("x", TensorElementType.Float, "batch", 3);
        var w = g.Initializer("w", OnnxTensorData.FromFloats([1f, 2f, 3f], 3));
        var y = g.Op("Add", ["x", w]);
        g.Node("Identity", [y], ["y"]);
        g.Output("y", TensorElementType.Float, "batch", 3);

        var model = ModelProto.Parser.ParseFrom(g.ToBytes());

        Assert.Equal(OnnxGraphBuilder.IrVersion, model.IrVersion);
        Assert.Equal(17, model.OpsetImport.Single().Version);
        Assert.Equal(["Add", "Identity"], model.Graph.Node.Select(n => n.OpType));
        var input = model.Graph.Input.Single();
        Assert.Equal("batch", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(3, input.Type.TensorType.Shape.Dim[1].DimValue);
        var init = model.Graph.Initializer.Single();
        Assert.Equal((int)TensorElementType.Float, init.DataType);
        Assert.Equal([1f, 2f, 3f], System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(init.RawData.Span).ToArray());
    }

    [Fact]
    public void Large_initializers_go_to_the_external_file_with_offsets_and_lengths()
    {
        var dir = Directory.CreateTempSubdirectory("wd-writer-");
        try
        {
            var g = new OnnxGraphBuilder("ext");
            g.Input("x", TensorElementType.Float, 1000);
            var big = Enumerable.Range(0, 1000).Select(i => (float)i).ToArray();
            var small = g.Initializer("small", OnnxTensorData.FromFloats([5f], 1));
            var w = g.Initializer("big", OnnxTensorData.FromFloats(big, 1000));
            g.Node("Add", [g.Op("Mul", ["x", w]), small], ["y"]);
            g.Output("y", TensorElementType.Float, 1000);
            var path = Path.Combine(dir.FullName, "model.onnx");

            g.Save(path, externalThresholdBytes: 1024, externalFileName: "weights.pb");

            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            var ext = model.Graph.Initializer.Single(t => t.Name == "big");
            Assert.Equal(TensorProto.Types.DataLocation.External, ext.DataLocation);
            var entries = ext.ExternalData.ToDictionary(e => e.Key, e => e.Value);
            Assert.Equal("weights.pb", entries["location"]);
            var offset = long.Parse(entries["offset"], System.Globalization.CultureInfo.InvariantCulture);
            var length = int.Parse(entries["length"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(4000, length);
            var bytes = File.ReadAllBytes(Path.Combine(dir.FullName, "weights.pb")).AsSpan((int)offset, length);
            Assert.Equal(big, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray());
            Assert.False(model.Graph.Initializer.Single(t => t.Name == "small").DataLocation == TensorProto.Types.DataLocation.External);
            Assert.Empty(Directory.GetFiles(dir.FullName, "*.tmp"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Duplicate_names_and_wrong_byte_counts_are_refused()
    {
        var g = new OnnxGraphBuilder("dup");
        g.Input("x", TensorElementType.Float, 1);
        Assert.Throws<ArgumentException>(() => g.Initializer("x", OnnxTensorData.FromFloats([1f], 1)));
        Assert.Throws<ArgumentException>(() => OnnxTensorData.FromFloats([1f, 2f], 3));
    }
}
