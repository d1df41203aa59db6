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

# LyCORIS LoHa: (module, rank1, rank2, alpha or None); dW = (w1a @ w1b) * (w2a @ w2b), scale alpha / rank1
LOHA = [
    ("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_v", 4, 3, 2.0),
    ("lora_unet_mid_block_resnets_1_conv2", 4, 4, 2.0),  # 3x3 conv: w1b / w2b are [rank, in*3*3] (LyCORIS' flattened layout)
    ("lora_te_text_model_encoder_layers_1_mlp_fc2", 4, 2, None),
]
# LyCORIS LoKr: (module, w1 spec, w2 spec, alpha or None); a spec is ("full", shape) or ("lowrank", rows, rank, columns)
LOKR = [
    ("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", ("full", (4, 4)), ("full", (8, 8)), None),
    ("lora_unet_up_blocks_1_attentions_1_transformer_blocks_0_attn2_to_k", ("full", (4, 8)), ("lowrank", 8, 2, 8), 1.0),
    ("lora_unet_down_blocks_0_resnets_0_conv1", ("full", (4, 4)), ("full", (8, 8, 3, 3)), None),  # 4-D w2: kron(w1[:, :, None, None], w2)
    ("lora_unet_up_blocks_1_attentions_0_transformer_blocks_0_ff_net_0_proj", ("full", (16, 4)), ("lowrank", 16, 2, 8), 4.0),
    ("lora_te_text_model_encoder_layers_0_self_attn_q_proj", ("lowrank", 8, 2, 8), ("full", (8, 8)), 1.0),
]

# the sets the tests apply: (file, te multiplier, unet multiplier)
SETS = {
    "set1": [("tiny_lora_a", 0.8, 0.8), ("tiny_lora_b", 0.5, 0.3)],  # <lora:tiny_lora_a:0.8> <lora:tiny_lora_b:0.5:0.3>
    "set2": [("tiny_lora_a", 0.6, 0.6)],  # <lora:tiny_lora_a:0.6>
    "set3": [("tiny_loha", 0.7, 0.7), ("tiny_lokr", 1.0, 0.5)],  # <lora:tiny_loha:0.7> <lora:tiny_lokr:1:0.5>
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


def build_loha(ckpt, rng):
    tensors = {}
    for name, r1, r2, alpha in LOHA:
        w = ckpt[compvis_key(name)]
        out, cols = w.shape[0], int(np.prod(w.shape[1:]))
        tensors[name + ".hada_w1_a"] = rng.normal(0, 0.3, (out, r1)).astype(np.float32)
        tensors[name + ".hada_w1_b"] = rng.normal(0, 0.3, (r1, cols)).astype(np.float32)
        tensors[name + ".hada_w2_a"] = rng.normal(0, 0.3, (out, r2)).astype(np.float32)
        tensors[name + ".hada_w2_b"] = rng.normal(0, 0.3, (r2, cols)).astype(np.float32)
        if alpha is not None:
            tensors[name + ".alpha"] = np.array(alpha, dtype=np.float32)
    return tensors


def build_lokr(ckpt, rng):
    tensors = {}
    for name, w1, w2, alpha in LOKR:
        for which, spec in (("w1", w1), ("w2", w2)):
            if spec[0] == "full":
                tensors[f"{name}.lokr_{which}"] = rng.normal(0, 0.3, spec[1]).astype(np.float32)
            else:
                _, rows, rank, cols = spec
                tensors[f"{name}.lokr_{which}_a"] = rng.normal(0, 0.3, (rows, rank)).astype(np.float32)
                tensors[f"{name}.lokr_{which}_b"] = rng.normal(0, 0.3, (rank, cols)).astype(np.float32)
        if alpha is not None:
            tensors[name + ".alpha"] = np.array(alpha, dtype=np.float32)
    return tensors


def module_deltas(tensors, ckpt):
    """(target key, scaled delta in float64) per module of one file, by the format's formula."""
    names = sorted({k.split(".", 1)[0] for k in tensors})
    for name in names:
        t = {k[len(name) + 1:]: tensors[k].astype(np.float64) for k in tensors if k.split(".", 1)[0] == name}
        target = compvis_key(name)
        shape = ckpt[target].shape
        alpha = float(t["alpha"]) if "alpha" in t else None
        if "lora_down.weight" in t:
            down, up = t["lora_down.weight"], t["lora_up.weight"]
            rank = down.shape[0]
            delta = (up.reshape(up.shape[0], rank) @ down.reshape(rank, -1)).reshape(shape) * ((alpha if alpha is not None else rank) / rank)
        elif "hada_w1_a" in t:
            delta = ((t["hada_w1_a"] @ t["hada_w1_b"]) * (t["hada_w2_a"] @ t["hada_w2_b"])).reshape(shape)
            delta *= (alpha / t["hada_w1_b"].shape[0]) if alpha is not None else 1.0
        else:
            dim = None
            w1 = t["lokr_w1"] if "lokr_w1" in t else t["lokr_w1_a"] @ t["lokr_w1_b"]
            if "lokr_w1_b" in t:
                dim = t["lokr_w1_b"].shape[0]
            w2 = t["lokr_w2"] if "lokr_w2" in t else t["lokr_w2_a"] @ t["lokr_w2_b"]
            if dim is None and "lokr_w2_b" in t:
                dim = t["lokr_w2_b"].shape[0]
            if w2.ndim == 4:
                w1 = w1[:, :, None, None]
            delta = np.kron(w1, w2).reshape(shape)
            delta *= (alpha / dim) if (alpha is not None and dim is not None) else 1.0
        yield target, delta


def merge(ckpt, loras, entries):
    merged = {}
    for file, te, unet in entries:
        for target, delta in module_deltas(loras[file], ckpt):
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
    loras["tiny_loha"] = build_loha(ckpt, np.random.default_rng(31))
    loras["tiny_lokr"] = build_lokr(ckpt, np.random.default_rng(32))
    write_safetensors(os.path.join(HERE, "tiny_lora_a.safetensors"), loras["tiny_lora_a"], {"ss_network_module": "networks.lora", "ss_output_name": "tiny_lora_a"})
    write_safetensors(os.path.join(HERE, "tiny_lora_b.safetensors"), loras["tiny_lora_b"], {"ss_network_module": "networks.lora"})
    write_safetensors(os.path.join(HERE, "tiny_loha.safetensors"), loras["tiny_loha"], {"ss_network_module": "lycoris.kohya", "ss_network_args": "{\"algo\": \"loha\"}"})
    write_safetensors(os.path.join(HERE, "tiny_lokr.safetensors"), loras["tiny_lokr"], {"ss_network_module": "lycoris.kohya", "ss_network_args": "{\"algo\": \"lokr\"}"})
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
