# Generates the PyTorch-format test files for WebDiffusion's safe pickle reader (run with Debian's /usr/bin/python3 + python3-torch).
import collections, io, json, os, pickle, struct, sys, zipfile
import torch

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(1234)

def describe(sd, prefix=""):
    d = {}
    for k, v in sd.items():
        if isinstance(v, torch.Tensor):
            d[prefix + k] = {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                             "values": [float(x) for x in v.detach().reshape(-1).to(torch.float64).tolist()]}
        elif isinstance(v, dict):
            d.update(describe(v, prefix + k + "."))
    return d

base = torch.randn(6, 8)
sd = collections.OrderedDict()
sd["conv.weight"] = torch.randn(4, 3, 3, 3)
sd["conv.bias"] = torch.randn(4)
sd["half"] = torch.randn(2, 3, 5).half()
sd["bf16"] = torch.randn(3, 2).bfloat16()
sd["steps"] = torch.arange(7, dtype=torch.int64) * 1000000007
sd["int32"] = torch.tensor([-3, 0, 5], dtype=torch.int32)
sd["flag"] = torch.tensor([True, False, True])
sd["double"] = torch.tensor([1.5, -2.25], dtype=torch.float64)
sd["scalar"] = torch.tensor(3.25)
sd["view.rows"] = base[2:4]            # storage offset 16, shares storage with view.transposed
sd["view.transposed"] = base.t()       # strides (1, 8)
sd["view.strided"] = base[1:5:2, 1::3] # offset 9, strides (16, 3)
sd["param"] = torch.nn.Parameter(torch.randn(2, 2))
sd._metadata = collections.OrderedDict([("", {"version": 1}), ("conv", {"version": 1})])
torch.save(sd, os.path.join(out, "state_dict.pt"))
torch.save(sd, os.path.join(out, "state_dict_legacy.pt"), _use_new_zipfile_serialization=False)
torch.save({"state_dict": sd, "global_step": 42, "epoch": 3}, os.path.join(out, "checkpoint.ckpt"))
with open(os.path.join(out, "state_dict.json"), "w") as f:
    json.dump(describe(sd), f, indent=1)

# A1111 textual inversion layout (modules/textual_inversion/textual_inversion.py Embedding.save)
vec = torch.randn(2, 768)
emb = {"string_to_token": {"*": 265}, "string_to_param": {"*": vec}, "name": "tiny-emb", "step": 1500,
       "sd_checkpoint": "abcdef1234", "sd_checkpoint_name": "v1-5-pruned-emaonly"}
torch.save(emb, os.path.join(out, "embedding.pt"))
with open(os.path.join(out, "embedding.json"), "w") as f:
    json.dump({"name": "tiny-emb", "step": 1500, "shape": [2, 768],
               "values": [float(x) for x in vec.reshape(-1).tolist()]}, f)

# ---- hostile files -------------------------------------------------------------------------------------------
canary = "/tmp/webdiffusion-pickle-canary"
hostile = os.path.join(out, "hostile")
os.makedirs(hostile, exist_ok=True)

def torch_zip(name, pkl, extra=None, compress=zipfile.ZIP_STORED):
    with zipfile.ZipFile(os.path.join(hostile, name), "w", compress) as z:
        z.writestr("archive/data.pkl", pkl)
        z.writestr("archive/byteorder", "little")
        for k, v in (extra or {}).items():
            z.writestr(k, v)

class OsSystem:
    def __reduce__(self):
        return (os.system, ("touch " + canary,))
class Eval:
    def __reduce__(self):
        return (eval, ("open('" + canary + "', 'w').write('x')",))
torch_zip("os_system.pt", pickle.dumps(collections.OrderedDict([("w", OsSystem())]), protocol=2))
torch_zip("builtins_eval.pt", pickle.dumps({"w": Eval()}, protocol=2))

P = pickle
# GLOBAL with a module path that looks allowed but names something else through attribute walking
torch_zip("global_dotted.pt", P.PROTO + b"\x02" + P.GLOBAL + b"collections\nOrderedDict.__init__.__globals__\n" + P.STOP)
# GLOBAL whose name is the allowed callable but in a different module
torch_zip("global_wrong_module.pt", P.PROTO + b"\x02" + P.GLOBAL + b"os\n_rebuild_tensor_v2\n" + P.STOP)
# STACK_GLOBAL built from strings fetched back through the memo (no literal 'os system' next to the opcode)
sg = (P.PROTO + b"\x04" + P.SHORT_BINUNICODE + b"\x05posix" + P.MEMOIZE + P.SHORT_BINUNICODE + b"\x06system" + P.MEMOIZE
      + P.POP + P.POP + P.BINGET + b"\x00" + P.BINGET + b"\x01" + P.STACK_GLOBAL
      + P.SHORT_BINUNICODE + bytes([len("touch " + canary)]) + ("touch " + canary).encode() + P.TUPLE1 + P.REDUCE + P.STOP)
torch_zip("stack_global_memo.pt", sg)
# STACK_GLOBAL on builtins.getattr(allowed, '__reduce_ex__') style chain
torch_zip("stack_global_getattr.pt", P.PROTO + b"\x04" + P.SHORT_BINUNICODE + b"\x08builtins" + P.SHORT_BINUNICODE + b"\x07getattr"
          + P.STACK_GLOBAL + P.STOP)
# INST opcode (protocol 0 class instantiation)
torch_zip("inst.pt", P.MARK + P.UNICODE + ("touch " + canary).encode() + b"\n" + P.INST + b"os\nsystem\n" + P.STOP)
# OBJ opcode with a global class
torch_zip("obj.pt", P.MARK + P.GLOBAL + b"subprocess\nPopen\n" + P.OBJ + P.STOP)
# deeply nested lists: 200000 x (EMPTY_LIST), then APPEND all of them
depth = 200000
torch_zip("deep_nesting.pt", P.PROTO + b"\x02" + P.EMPTY_LIST * depth + P.APPEND * (depth - 1) + P.STOP)
# deeply nested MARK/TUPLE
torch_zip("deep_marks.pt", P.PROTO + b"\x02" + P.MARK * depth + P.TUPLE * depth + P.STOP)
# a list that contains itself (cycle through the memo)
torch_zip("cycle.pt", P.PROTO + b"\x02" + P.EMPTY_LIST + P.BINPUT + b"\x00" + P.BINGET + b"\x00" + P.APPEND + P.STOP)
# zip bomb: data.pkl deflated from 300 MB (valid pickle: a huge BINUNICODE string of zeros would be refused anyway)
bomb = P.PROTO + b"\x02" + P.BINUNICODE + struct.pack("<I", 300 * 1024 * 1024) + b"0" * (300 * 1024 * 1024) + P.STOP
torch_zip("zip_bomb.pt", bomb, compress=zipfile.ZIP_DEFLATED)
del bomb

# storage offset past the end: a real file whose data.pkl is rewritten with a larger storage offset
def rebuild_pickle(storage_numel, offset, size, stride, data_bytes):
    buf = io.BytesIO()
    class T:  # emits exactly what torch.save emits for one tensor
        pass
    body = (P.PROTO + b"\x02" + P.EMPTY_DICT + P.BINUNICODE + struct.pack("<I", 1) + b"w"
            + P.GLOBAL + b"torch._utils\n_rebuild_tensor_v2\n" + P.MARK
            + P.MARK + P.BINUNICODE + struct.pack("<I", 7) + b"storage" + P.GLOBAL + b"torch\nFloatStorage\n"
            + P.BINUNICODE + struct.pack("<I", 1) + b"0" + P.BINUNICODE + struct.pack("<I", 3) + b"cpu"
            + P.BININT + struct.pack("<i", storage_numel) + P.TUPLE + P.BINPERSID
            + P.BININT + struct.pack("<i", offset)
            + P.MARK + b"".join(P.BININT + struct.pack("<i", s) for s in size) + P.TUPLE
            + P.MARK + b"".join(P.BININT + struct.pack("<i", s) for s in stride) + P.TUPLE
            + P.NEWFALSE + P.GLOBAL + b"collections\nOrderedDict\n" + P.EMPTY_TUPLE + P.REDUCE
            + P.TUPLE + P.REDUCE + P.SETITEM + P.STOP)
    return body
four = struct.pack("<4f", 1, 2, 3, 4)
torch_zip("offset_past_end.pt", rebuild_pickle(4, 3, [2], [1], four), {"archive/data/0": four})
torch_zip("stride_past_end.pt", rebuild_pickle(4, 0, [2, 2], [3, 1], four), {"archive/data/0": four})
torch_zip("storage_bigger_than_entry.pt", rebuild_pickle(1000, 0, [4], [1], four), {"archive/data/0": four})
torch_zip("valid_handmade.pt", rebuild_pickle(4, 1, [3], [1], four), {"archive/data/0": four})
torch_zip("storage_entry_missing.pt", rebuild_pickle(4, 0, [4], [1], four))
# an entry outside the archive folder (A1111's safe.py refuses these too)
torch_zip("extra_entry.pt", rebuild_pickle(4, 0, [4], [1], four), {"archive/data/0": four, "archive/evil.py": b"import os"})
# plain pickle (not a zip, not torch legacy) calling os.system
with open(os.path.join(hostile, "raw_os_system.pkl"), "wb") as f:
    f.write(pickle.dumps(OsSystem(), protocol=2))
# legacy-format file whose main pickle calls os.system
with open(os.path.join(hostile, "legacy_os_system.pt"), "wb") as f:
    pickle.dump(0x1950a86a20f9469cfc6c, f, protocol=2)
    pickle.dump(1001, f, protocol=2)
    pickle.dump({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=2)
    pickle.dump({"w": OsSystem()}, f, protocol=2)
print("ok")
