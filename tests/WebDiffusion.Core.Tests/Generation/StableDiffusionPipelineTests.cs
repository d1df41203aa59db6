using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Core.Imaging.Tensors;
using WebDiffusion.Core.Infotext;
using WebDiffusion.Core.Text.Prompts;
using WebDiffusion.ModelKit;

namespace WebDiffusion.Core.Tests.Generation;

public class StableDiffusionPipelineTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly GenerationRequest Small = new()
    {
        Prompt = "a red (house:1.2) on a hill",
        NegativePrompt = "blurry",
        Width = 64,
        Height = 64,
        Steps = 8,
        Seed = 1234,
        SamplerName = "Euler a",
    };

    private async Task<RecordingObserver> RunAsync(GenerationRequest request, TinyModelVariant variant = TinyModelVariant.Fp32, ISkipSignal? skip = null, CancellationToken stop = default, RecordingObserver? observer = null)
    {
        observer ??= new RecordingObserver();
        await new StableDiffusionPipeline(fixture.Context(variant)).RunAsync(request, observer, skip, stop);
        return observer;
    }

    [Fact]
    public async Task Txt2img_gives_images_of_the_requested_size_with_infotext()
    {
        var observer = await RunAsync(Small with { Width = 64, Height = 96 });

        var image = Assert.Single(observer.Images);
        Assert.Equal(64, image.Image.Width);
        Assert.Equal(96, image.Image.Height);
        Assert.Equal(1234, image.Seed);
        var parsed = InfotextParser.Parse(image.Infotext);
        Assert.Equal("a red (house:1.2) on a hill", parsed.Prompt);
        Assert.Equal("blurry", parsed.NegativePrompt);
        Assert.Equal("8", parsed["Steps"]);
        Assert.Equal("Euler a", parsed["Sampler"]);
        Assert.Equal("1234", parsed["Seed"]);
        Assert.Equal("64", parsed["Size-1"]);
        Assert.Equal("96", parsed["Size-2"]);
        Assert.Equal(8, observer.Steps.Count);
        Assert.Equal(8, observer.Steps[^1].Step);
        Assert.NotNull(observer.Steps[^1].Preview);
    }

    [Theory]
    [InlineData(TinyModelVariant.Fp32, "Euler a")]
    [InlineData(TinyModelVariant.Fp16, "DPM++ 2M")]
    [InlineData(TinyModelVariant.Int64Timestep, "DDIM")]
    [InlineData(TinyModelVariant.VPrediction, "Heun")]
    public async Task Same_request_gives_identical_pixels(TinyModelVariant variant, string sampler)
    {
        var request = Small with { SamplerName = sampler };
        var a = await RunAsync(request, variant);
        var b = await RunAsync(request, variant);

        ImageAssert.Identical(a.Images[0].Image, b.Images[0].Image);
        var other = await RunAsync(request with { Seed = 1235 }, variant);
        Assert.False(a.Images[0].Image.Pixels.AsSpan().SequenceEqual(other.Images[0].Image.Pixels), "a different seed must change the image");
    }

    [Fact]
    public async Task Rng_source_and_ensd_change_the_noise_and_are_written_to_infotext()
    {
        var gpu = await RunAsync(Small);
        var observer = new RecordingObserver();
        var context = fixture.Context(TinyModelVariant.Fp32);
        var nv = new GenerationContext
        {
            Model = context.Model,
            Tokenizer = context.Tokenizer,
            Schedule = context.Schedule,
            Version = "test",
            RandnSource = WebDiffusion.Core.Sampling.Noise.RandnSource.NV,
            EtaNoiseSeedDelta = 31337,
        };

        await new StableDiffusionPipeline(nv).RunAsync(Small, observer, null, CancellationToken.None);

        var parsed = InfotextParser.Parse(observer.Images[0].Infotext);
        Assert.Equal("NV", parsed["RNG"]);
        Assert.Equal("31337", parsed["ENSD"]);
        Assert.Null(InfotextParser.Parse(gpu.Images[0].Infotext)["RNG"]);
        Assert.False(gpu.Images[0].Image.Pixels.AsSpan().SequenceEqual(observer.Images[0].Image.Pixels));
    }

    [Fact]
    public async Task Composable_prompts_combine_their_guidance_like_a1111()
    {
        var request = Small with { SamplerName = "Euler", CfgScale = 3 };
        var twice = await RunAsync(request with { Prompt = "a red house AND a red house" });
        var doubled = await RunAsync(request with { Prompt = "a red house", CfgScale = 6 });
        var half = await RunAsync(request with { Prompt = "a red house :0.5", CfgScale = 3 });
        var asCfg = await RunAsync(request with { Prompt = "a red house", CfgScale = 1.5 });
        var both = await RunAsync(request with { Prompt = "a red house AND a blue boat" });
        var house = await RunAsync(request with { Prompt = "a red house" });

        // uncond + 3(c − u) + 3(c − u) is uncond + 6(c − u): equal up to float rounding.
        AssertClose(doubled.Images[0].Image, twice.Images[0].Image);
        AssertClose(asCfg.Images[0].Image, half.Images[0].Image);
        Assert.False(both.Images[0].Image.Pixels.AsSpan().SequenceEqual(house.Images[0].Image.Pixels));
        Assert.Equal("a red house AND a blue boat", InfotextParser.Parse(both.Images[0].Infotext).Prompt);

        static void AssertClose(RgbaImage expected, RgbaImage actual)
        {
            var worst = 0;
            for (var i = 0; i < expected.Pixels.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(expected.Pixels[i] - actual.Pixels[i]));
            }

            Assert.True(worst <= 1, $"largest difference {worst}");
        }
    }

    [Fact]
    public async Task Batch_size_and_batch_count_give_the_same_images_for_the_same_seeds()
    {
        var bySize = await RunAsync(Small with { BatchSize = 3, BatchCount = 1 });
        var byCount = await RunAsync(Small with { BatchSize = 1, BatchCount = 3 });

        Assert.Equal([1234L, 1235L, 1236L], bySize.Images.Select(i => i.Seed));
        Assert.Equal([1234L, 1235L, 1236L], byCount.Images.Select(i => i.Seed));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i, bySize.Images[i].Index);
            ImageAssert.Identical(bySize.Images[i].Image, byCount.Images[i].Image);
        }
    }

    [Fact]
    public async Task Prompt_and_cfg_change_the_image()
    {
        var a = await RunAsync(Small with { SamplerName = "Euler" });
        var otherPrompt = await RunAsync(Small with { SamplerName = "Euler", Prompt = "a blue boat at sea" });
        var otherCfg = await RunAsync(Small with { SamplerName = "Euler", CfgScale = 2 });

        Assert.False(a.Images[0].Image.Pixels.AsSpan().SequenceEqual(otherPrompt.Images[0].Image.Pixels));
        Assert.False(a.Images[0].Image.Pixels.AsSpan().SequenceEqual(otherCfg.Images[0].Image.Pixels));
    }

    [Fact]
    public async Task Img2img_at_strength_zero_returns_the_vae_round_trip_of_the_input()
    {
        // At strength 0 no sampling step runs: the result must be exactly decode(encode(input)), computed here
        // independently through the model's own VAE sessions.
        var input = Gradient(64, 64);
        var request = Small with
        {
            Mode = GenerationMode.Img2Img,
            InitImages = [PngEncoder.Encode(input)],
            DenoisingStrength = 0,
            SamplerName = "Euler",
        };

        var result = await RunAsync(request);

        var model = fixture.Context(TinyModelVariant.Fp32).Model;
        var pixels = ImageTensor.ToTensor([input]);
        var latent = new float[4 * 8 * 8];
        model.VaeEncoder!.Encode(pixels, 1, 64, 64, latent);
        var decoded = new float[3 * 64 * 64];
        model.VaeDecoder.Decode(latent, 1, 8, 8, decoded);
        var expected = ImageTensor.FromTensor(decoded, 1, 64, 64)[0];
        var maxDiff = 0;
        for (var i = 0; i < expected.Pixels.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(expected.Pixels[i] - result.Images[0].Image.Pixels[i]));
        }

        // Scaling by the latent factor and back costs at most one 8-bit level.
        Assert.True(maxDiff <= 1, $"max pixel difference {maxDiff}");
    }

    [Fact]
    public async Task Inpainting_leaves_pixels_outside_the_blurred_mask_unchanged()
    {
        var input = Gradient(64, 64);
        var mask = RgbaImage.Filled(64, 64, 0, 0, 0);
        for (var y = 16; y < 40; y++)
        {
            for (var x = 24; x < 48; x++)
            {
                mask.Row(y)[(x * 4)..((x * 4) + 3)].Fill(255);
            }
        }

        var request = Small with
        {
            Mode = GenerationMode.Img2Img,
            InitImages = [PngEncoder.Encode(input)],
            Mask = PngEncoder.Encode(mask),
            MaskBlur = 4,
            DenoisingStrength = 0.9,
        };

        foreach (var variant in new[] { TinyModelVariant.Fp32, TinyModelVariant.Inpainting })
        {
            foreach (var fullRes in new[] { false, true })
            {
                var output = (await RunAsync(request with { InpaintFullRes = fullRes }, variant)).Images[0].Image;
                Assert.Equal(64, output.Width);
                AssertRegeneratedOnlyInsideTheMask(input, output, $"{variant} fullRes={fullRes}");
            }
        }
    }

    [Fact]
    public async Task A_mask_drawn_with_transparency_is_read_by_its_alpha_as_a1111_does()
    {
        // A sketch-tool mask: transparent everywhere, an opaque *black* stroke. A1111's create_binary_mask takes the
        // alpha (opaque = regenerate); flattening onto white first would regenerate everything but the stroke.
        var input = Gradient(64, 64);
        var mask = new RgbaImage(64, 64);
        for (var y = 16; y < 40; y++)
        {
            for (var x = 24; x < 48; x++)
            {
                mask.Row(y)[((x * 4) + 3)..((x * 4) + 4)].Fill(255);
            }
        }

        var request = Small with
        {
            Mode = GenerationMode.Img2Img,
            InitImages = [PngEncoder.Encode(input)],
            Mask = PngEncoder.Encode(mask),
            MaskBlur = 4,
            DenoisingStrength = 0.9,
        };

        var output = (await RunAsync(request, TinyModelVariant.Fp32)).Images[0].Image;
        AssertRegeneratedOnlyInsideTheMask(input, output, "opaque stroke in a transparent mask");
    }

    [Fact]
    public async Task Outpainting_by_padding_and_mask_keeps_the_original_and_fills_the_border()
    {
        // The UI pads the canvas and masks the new area; here the left 16 columns are new (grey, masked).
        var padded = Gradient(64, 64);
        var mask = RgbaImage.Filled(64, 64, 0, 0, 0);
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 16; x++)
            {
                padded.Row(y)[(x * 4)..((x * 4) + 3)].Fill(128);
                mask.Row(y)[(x * 4)..((x * 4) + 3)].Fill(255);
            }
        }

        var output = (await RunAsync(Small with
        {
            Mode = GenerationMode.Img2Img,
            InitImages = [PngEncoder.Encode(padded)],
            Mask = PngEncoder.Encode(mask),
            InpaintingFill = InpaintingFill.Fill,
            DenoisingStrength = 1,
        })).Images[0].Image;

        for (var y = 0; y < 64; y++)
        {
            for (var x = 40; x < 64; x++)
            {
                var o = ((y * 64) + x) * 4;
                Assert.True(padded.Pixels.AsSpan(o, 3).SequenceEqual(output.Pixels.AsSpan(o, 3)));
            }
        }

        Assert.Contains(Enumerable.Range(0, 64 * 8), i => output.Pixels[((i / 8 * 64) + (i % 8)) * 4] != 128);
    }

    [Theory]
    [InlineData("Latent")]
    [InlineData("Lanczos")]
    public async Task Hires_fix_gives_the_target_size(string upscaler)
    {
        var request = Small with { EnableHr = true, HrScale = 1.5, HrUpscaler = upscaler, HrSecondPassSteps = 4, HrDenoisingStrength = 0.5 };

        var observer = await RunAsync(request);

        var image = observer.Images[0];
        Assert.Equal(96, image.Image.Width);
        Assert.Equal(96, image.Image.Height);
        var parsed = InfotextParser.Parse(image.Infotext);
        Assert.Equal("1.5", parsed["Hires upscale"]);
        Assert.Equal(upscaler, parsed["Hires upscaler"]);
        Assert.Equal("64", parsed["Size-1"]);
        Assert.True(observer.Steps.Count > 8, "the hires pass reports its own steps");
    }

    [Fact]
    public async Task A_2048_square_image_is_generated_with_a_tiled_vae_decode()
    {
        var observer = await RunAsync(Small with { Width = 2048, Height = 2048, Steps = 1, CfgScale = 1, SamplerName = "Euler" });

        var image = Assert.Single(observer.Images).Image;
        Assert.Equal(2048, image.Width);
        Assert.Equal(2048, image.Height);
    }

    [Fact]
    public async Task Interrupt_stops_now_and_keeps_finished_images()
    {
        using var stop = new CancellationTokenSource();
        var observer = new RecordingObserver
        {
            OnImage = image =>
            {
                if (image.Index == 0)
                {
                    stop.Cancel();
                }

                return Task.CompletedTask;
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(Small with { BatchCount = 3 }, stop: stop.Token, observer: observer));

        Assert.Single(observer.Images);
    }

    [Fact]
    public async Task Skip_returns_the_current_image_as_it_is_and_goes_on_with_the_next()
    {
        var full = await RunAsync(Small with { BatchCount = 3 });
        var skip = new TestSkipSignal();
        var observer = new RecordingObserver
        {
            OnStepHook = step =>
            {
                if (step.ImageIndex == 1 && step.Step == Small.Steps + 3) // steps count over the job: the 3rd of the 2nd batch
                {
                    skip.Skip();
                }
            },
        };

        await RunAsync(Small with { BatchCount = 3 }, skip: skip, observer: observer);

        // A1111 decodes the skipped batch's last denoised latent: three images, the second one half-done.
        Assert.Equal([0, 1, 2], observer.Images.Select(i => i.Index));
        Assert.Equal(full.Images.Select(i => i.Seed), observer.Images.Select(i => i.Seed));
        Assert.Equal(full.Images[0].Image.Pixels.ToArray(), observer.Images[0].Image.Pixels.ToArray());
        Assert.NotEqual(full.Images[1].Image.Pixels.ToArray(), observer.Images[1].Image.Pixels.ToArray());
        Assert.Equal(full.Images[2].Image.Pixels.ToArray(), observer.Images[2].Image.Pixels.ToArray());
        Assert.Equal(1, skip.Resets);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Interrupt_returns_the_finished_images_and_the_current_batch_decoded_a_cancel_only_the_finished(bool interrupt)
    {
        var full = await RunAsync(Small with { BatchCount = 3 });
        using var stop = new CancellationTokenSource();
        var signal = new TestSkipSignal { Interrupted = interrupt };
        var observer = new RecordingObserver
        {
            OnStepHook = step =>
            {
                if (step.ImageIndex == 1 && step.Step == Small.Steps + 3)
                {
                    stop.Cancel();
                }
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(Small with { BatchCount = 3 }, skip: signal, stop: stop.Token, observer: observer));

        Assert.Equal(interrupt ? [0, 1] : [0], observer.Images.Select(i => i.Index));
        Assert.Equal(full.Images[0].Image.Pixels.ToArray(), observer.Images[0].Image.Pixels.ToArray());
        if (interrupt)
        {
            Assert.Equal(full.Images[1].Seed, observer.Images[1].Seed);
            Assert.NotEqual(full.Images[1].Image.Pixels.ToArray(), observer.Images[1].Image.Pixels.ToArray());
        }
    }

    [Theory]
    [InlineData(513, 512, 20, "width")]
    [InlineData(512, 512, 0, "steps")]
    public async Task Bad_requests_are_refused_before_any_model_work(int width, int height, int steps, string word)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(Small with { Width = width, Height = height, Steps = steps }));
        Assert.Contains(word, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_samplers_get_clear_errors()
    {
        var unknown = await Assert.ThrowsAnyAsync<ArgumentException>(() => RunAsync(Small with { SamplerName = "Euler z" }));
        Assert.Contains("Euler a", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lora_tag_without_its_file_is_skipped_as_A1111_skips_it()
    {
        var plain = await RunAsync(Small with { Prompt = "a cat" });
        var tagged = await RunAsync(Small with { Prompt = "a cat <lora:foo:0.8>", NegativePrompt = "<lyco:bar:1> <nope:x>" + Small.NegativePrompt });

        Assert.Equal(plain.Images[0].Image.Pixels.ToArray(), tagged.Images[0].Image.Pixels.ToArray());
        Assert.StartsWith("a cat <lora:foo:0.8>", tagged.Images[0].Infotext, StringComparison.Ordinal);
        var (present, skipped) = ExtraNetworkAvailability.Sort(["a cat <lora:foo:0.8>", "<lyco:bar:1> <lora:foo:1> <nope:x>"], new HashSet<string>(StringComparer.Ordinal));
        Assert.Empty(present);
        Assert.Equal(["Lora not found: foo, bar", "Skipping unknown extra network: nope"], ExtraNetworkAvailability.Warnings(skipped));
    }

    [Fact]
    public async Task Missing_init_image_is_refused()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(Small with { Mode = GenerationMode.Img2Img }));
        Assert.Contains("init image", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mask_of_another_size_is_fitted_to_the_init_image_as_a1111_does()
    {
        // A 32x32 mask over a 64x64 image: the block (12..24, 8..20) covers (24..48, 16..40) once scaled up.
        var input = Gradient(64, 64);
        var mask = RgbaImage.Filled(32, 32, 0, 0, 0);
        for (var y = 8; y < 20; y++)
        {
            mask.Row(y)[(12 * 4)..(24 * 4)].Fill(255);
        }

        var request = Small with
        {
            Mode = GenerationMode.Img2Img,
            InitImages = [PngEncoder.Encode(input)],
            Mask = PngEncoder.Encode(mask),
            MaskBlur = 4,
            DenoisingStrength = 0.9,
        };

        foreach (var fullRes in new[] { false, true })
        {
            var output = (await RunAsync(request with { InpaintFullRes = fullRes })).Images[0].Image;
            Assert.Equal(64, output.Width);
            AssertRegeneratedOnlyInsideTheMask(input, output, $"scaled mask, fullRes={fullRes}");
        }
    }

    /// <summary>
    /// For the 64² tests whose mask covers x 24–47, y 16–39: every pixel 12 or more away from it (mask blur 4 spreads
    /// about 3σ) is the input's exactly, and the mask's core (4 in from its edge) was regenerated somewhere.
    /// </summary>
    private static void AssertRegeneratedOnlyInsideTheMask(RgbaImage input, RgbaImage output, string label)
    {
        var changedInside = false;
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                var o = ((y * 64) + x) * 4;
                var same = input.Pixels.AsSpan(o, 3).SequenceEqual(output.Pixels.AsSpan(o, 3));
                if (y < 16 - 12 || y >= 40 + 12 || x < 24 - 12 || x >= 48 + 12)
                {
                    Assert.True(same, $"{label}: pixel {x},{y} changed outside the mask");
                }
                else if (y >= 20 && y < 36 && x >= 28 && x < 44 && !same)
                {
                    changedInside = true;
                }
            }
        }

        Assert.True(changedInside, $"{label}: the masked area was not regenerated");
    }

    internal static RgbaImage Gradient(int width, int height)
    {
        var image = new RgbaImage(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = image.Row(y).Slice(x * 4, 4);
                p[0] = (byte)(64 + (x * 2));
                p[1] = (byte)(48 + (y * 2));
                p[2] = (byte)(100 + ((x + y) % 32));
                p[3] = 255;
            }
        }

        return image;
    }
}
