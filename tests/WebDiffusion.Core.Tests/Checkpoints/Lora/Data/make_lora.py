#!/usr/bin/python3
"""Independent reference for kohya/A1111 LoRA on the sd-reference checkpoint (see README.md).

Builds two tiny kohya-format LoRA files for ../shared/testdata/sd-reference/tiny-sd15.safetensors with a fixed seed,
and computes with NumPy what A1111's Lora extension computes for them:
    W' = W + multiplier * (alpha / rank) * (up.reshape(out, rank) @ down.reshape(rank, -1)).reshape(W.shape)
(no alpha: scale 1). Module names are kohya's (diffusers naming); the target ldm key is found the way A1111's
networks.py converts names (convert_diffusers_name_to_compvis + suffix_conversion), written here with the fixture's
num_res_blocks (1) in place of SD's 2.

Run from the repository root:  /usr/bin/python3 tests/WebDiffusion.Core.Tests/Checkpoints/Lora/Data/make_lora.py
"""
import json
import os
import re
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CKPT = os.path.join(HERE, "..", "..", "..", "..", "..", "..", "shared", "testdata", "sd-reference", "tiny-sd15.safetensors")
NUM_RES_BLOCKS = 1  # tiny-sd15.yaml: unet num_res_blocks

DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        b, e = v["data_offsets"]
        out[k] = np.frombuffer(data[b:e], dtype=DTYPES[v["dtype"]]).reshape(v["shape"])
    return out


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, arr in tensors.items():
        raw = np.ascontiguousarray(arr).tobytes()
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.float16): "F16"}[arr.dtype]
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


RESNET_SUFFIX = {"conv1": "in_layers.2", "conv2": "out_layers.3", "time_emb_proj": "emb_layers.1", "conv_shortcut": "skip_connection"}


def compvis_key(kohya):
    """kohya module name -> ldm checkpoint key of the weight (A1111's conversion, num_res_blocks general)."""
    per = NUM_RES_BLOCKS + 1

    def inner(kind, rest):
        if kind == "resnets":
            return RESNET_SUFFIX[rest]
        return rest  # attention parts keep their names (dots restored below)

    m = re.match(r"lora_te_text_model_encoder_layers_(\d+)_(self_attn|mlp)_(.+)$", kohya)
    if m:
        return f"cond_stage_model.transformer.text_model.encoder.layers.{m[1]}.{m[2]}.{m[3]}.weight"
    m = re.match(r"lora_unet_down_blocks_(\d+)_(attentions|resnets)_(\d+)_(.+)$", kohya)
    if m:
        block = 1 + int(m[1]) * per + int(m[3])
        sub = 1 if m[2] == "attentions" else 0
        return f"model.diffusion_model.input_blocks.{block}.{sub}.{unet_rest(inner(m[2], m[4]))}.weight"
    m = re.match(r"lora_unet_mid_block_(attentions|resnets)_(\d+)_(.+)$", kohya)
    if m:
        sub = 1 if m[1] == "attentions" else int(m[2]) * 2
        return f"model.diffusion_model.middle_block.{sub}.{unet_rest(inner(m[1], m[3]))}.weight"
    m = re.match(r"lora_unet_up_blocks_(\d+)_(attentions|resnets)_(\d+)_(.+)$", kohya)
    if m:
        block = int(m[1]) * per + int(m[3])
        sub = 1 if m[2] == "attentions" else 0
        return f"model.diffusion_model.output_blocks.{block}.{sub}.{unet_rest(inner(m[2], m[4]))}.weight"
    m = re.match(r"lora_unet_up_blocks_(\d+)_upsamplers_0_conv$", kohya)
    if m:
        # the upsampler follows the level's last resnet (and its attention where the level has one: index 2, else 1)
        return f"model.diffusion_model.output_blocks.{int(m[1]) * per + NUM_RES_BLOCKS}.{UPSAMPLER_SUB[int(m[1])]}.conv.weight"
    raise KeyError(kohya)


UPSAMPLER_SUB = {0: 1}  # fixture: level 0 of the up path (lowest resolution) has no attention


def unet_rest(rest):
    # transformer parts: transformer_blocks_0_attn1_to_q -> transformer_blocks.0.attn1.to_q ; ff_net_0_proj -> ff.net.0.proj
    rest = re.sub(r"transformer_blocks_(\d+)_", r"transformer_blocks.\1.", rest)
    rest = rest.replace("attn1_", "attn1.").replace("attn2_", "attn2.").replace("to_out_0", "to_out.0").replace("ff_net_0_proj", "ff.net.0.proj").replace("ff_net_2", "ff.net.2")
    return rest


# (kohya module, rank, alpha or None); shapes come from the checkpoint
LORA_A = [
    ("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", 4, 2.0),
    ("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_k", 4, 2.0),
    ("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_v", 4, 1.0),
    ("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_ff_net_0_proj", 8, 4.0),
    ("lora_unet_down_blocks_0_attentions_0_proj_in", 4, 4.0),
    ("lora_unet_down_blocks_0_resnets_0_conv1", 4, 2.0),
    ("lora_unet_down_blocks_0_resnets_0_time_emb_proj", 2, None),
    ("lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_out_0", 4, 2.0),
    ("lora_unet_mid_block_resnets_1_conv2", 4, 1.0),
    ("lora_unet_up_blocks_0_upsamplers_0_conv", 4, 2.0),
    ("lora_unet_up_blocks_1_resnets_0_conv_shortcut", 4, 2.0),
    ("lora_unet_up_blocks_1_attentions_1_proj_out", 4, 2.0),
    ("lora_unet_up_blocks_1_attentions_1_transformer_blocks_0_ff_net_2", 4, 3.0),
    ("lora_te_text_model_encoder_layers_0_self_attn_q_proj", 4, 2.0),
    ("lora_te_text_model_encoder_layers_1_mlp_fc1", 4, 2.0),
    ("lora_te_text_model_encoder_layers_1_self_attn_out_proj", 2, 1.0),
]
LORA_B = [  # stored in fp16; overlaps A on to_q and q_proj
    ("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", 2, 1.0),
    ("lora_unet_up_blocks_1_attentions_0_transformer_blocks_0_attn1_to_v", 4, 2.0),
    ("lora_te_text_model_encoder_layers_0_self_attn_q_proj", 2, 2.0),
    ("lora_te_text_model_encoder_layers_0_mlp_fc2", 4, 2.0),
]

# the sets the tests apply: (file, te multiplier, unet multiplier)
SETS = {
    "set1": [("tiny_lora_a", 0.8, 0.8), ("tiny_lora_b", 0.5, 0.3)],  # <lora:tiny_lora_a:0.8> <lora:tiny_lora_b:0.5:0.3>
    "set2": [("tiny_lora_a", 0.6, 0.6)],  # <lora:tiny_lora_a:0.6>
}


def build(spec, ckpt, rng, dtype):
    tensors = {}
    for name, rank, alpha in spec:
        w = ckpt[compvis_key(name)]
        out = w.shape[0]
        if w.ndim == 4:
            down = rng.normal(0, 0.2, (rank, w.shape[1], w.shape[2], w.shape[3]))
            up = rng.normal(0, 0.2, (out, rank, 1, 1))
        else:
            down = rng.normal(0, 0.2, (rank, w.shape[1]))
            up = rng.normal(0, 0.2, (out, rank))
        tensors[name + ".lora_down.weight"] = down.astype(dtype)
        tensors[name + ".lora_up.weight"] = up.astype(dtype)
        if alpha is not None:
            tensors[name + ".alpha"] = np.array(alpha, dtype=dtype)
    return tensors


def merge(ckpt, loras, entries):
    merged = {}
    for file, te, unet in entries:
        tensors = loras[file]
        for key in tensors:
            if not key.endswith(".lora_down.weight"):
                continue
            name = key[: -len(".lora_down.weight")]
            target = compvis_key(name)
            down = tensors[key].astype(np.float64)
            up = tensors[name + ".lora_up.weight"].astype(np.float64)
            rank = down.shape[0]
            alpha = float(tensors[name + ".alpha"]) if name + ".alpha" in tensors else rank
            delta = (up.reshape(up.shape[0], rank) @ down.reshape(rank, -1)).reshape(ckpt[target].shape) * (alpha / rank)
            mult = te if target.startswith("cond_stage_model.") else unet
            base = merged.get(target, ckpt[target].astype(np.float64))
            merged[target] = base + mult * delta
    return {k: v.astype(np.float32) for k, v in merged.items()}


def main():
    ckpt = read_safetensors(CKPT)
    rng = np.random.default_rng(20261203)
    loras = {
        "tiny_lora_a": build(LORA_A, ckpt, rng, np.float32),
        "tiny_lora_b": build(LORA_B, ckpt, rng, np.float16),
    }
    write_safetensors(os.path.join(HERE, "tiny_lora_a.safetensors"), loras["tiny_lora_a"], {"ss_network_module": "networks.lora", "ss_output_name": "tiny_lora_a"})
    write_safetensors(os.path.join(HERE, "tiny_lora_b.safetensors"), loras["tiny_lora_b"], {"ss_network_module": "networks.lora"})
    manifest = {}
    os.makedirs(os.path.join(HERE, "expected"), exist_ok=True)
    for set_name, entries in SETS.items():
        files = {}
        for i, (key, value) in enumerate(sorted(merge(ckpt, loras, entries).items())):
            file = f"{set_name}_{i:02d}.npy"
            np.save(os.path.join(HERE, "expected", file), value)
            files[key] = file
        manifest[set_name] = {"loras": [{"file": f, "te": te, "unet": u} for f, te, u in entries], "merged": files}
    with open(os.path.join(HERE, "expected", "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    for set_name, entry in manifest.items():
        print(set_name, len(entry["merged"]), "merged weights")


if __name__ == "__main__":
    main()
