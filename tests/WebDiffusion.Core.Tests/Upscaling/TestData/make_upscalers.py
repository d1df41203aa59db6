# Tiny random ESRGAN-family models in their original key layouts and the original architecture code's output.
import json, os, re, sys, collections
import torch
from rrdbnet_arch import RRDBNet
from srvgg_arch import SRVGGNetCompact
out = sys.argv[1]; os.makedirs(out, exist_ok=True)
torch.manual_seed(7)
def rnd(m):
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn_like(p) * 0.1)
    return m.eval()
x = torch.rand(1, 3, 12, 16)
x.numpy().astype("<f4").tofile(os.path.join(out, "input_1x3x12x16.f32"))
meta = {"input": {"file": "input_1x3x12x16.f32", "shape": [1, 3, 12, 16]}, "models": {}}
def save(name, model, sd, scale):
    with torch.no_grad():
        y = model(x)
    torch.save(sd, os.path.join(out, name + ".pth"))
    y.numpy().astype("<f4").tofile(os.path.join(out, name + ".out.f32"))
    meta["models"][name] = {"file": name + ".pth", "output": name + ".out.f32", "shape": list(y.shape), "scale": scale}
for scale in (4, 2, 1):
    m = rnd(RRDBNet(3, 3, scale=scale, num_feat=8, num_block=2, num_grow_ch=4))
    save(f"rrdbnet_x{scale}_new", m, {"params_ema": m.state_dict()}, scale)
# the "old" ESRGAN layout (original ESRGAN repo RRDB_arch / A1111's old mapping) for 4x
m = rnd(RRDBNet(3, 3, scale=4, num_feat=8, num_block=2, num_grow_ch=4))
old = collections.OrderedDict()
for k, v in m.state_dict().items():
    k2 = k
    mm = re.match(r"body\.(\d+)\.rdb(\d)\.conv(\d)\.(weight|bias)", k)
    if mm:
        k2 = f"model.1.sub.{mm[1]}.RDB{mm[2]}.conv{mm[3]}.0.{mm[4]}"
    else:
        k2 = {"conv_first": "model.0", "conv_body": "model.1.sub.2", "conv_up1": "model.3", "conv_up2": "model.6",
              "conv_hr": "model.8", "conv_last": "model.10"}[k.rsplit(".", 1)[0]] + "." + k.rsplit(".", 1)[1]
    old[k2] = v
save("rrdbnet_x4_old", m, old, 4)
for act in ("prelu", "leakyrelu", "relu"):
    m = rnd(SRVGGNetCompact(3, 3, num_feat=8, num_conv=3, upscale=4, act_type=act))
    save(f"srvgg_x4_{act}", m, {"params": m.state_dict()}, 4)
m = rnd(SRVGGNetCompact(3, 3, num_feat=8, num_conv=2, upscale=2, act_type="prelu"))
save("srvgg_x2_prelu", m, {"params": m.state_dict()}, 2)
json.dump(meta, open(os.path.join(out, "upscalers.json"), "w"), indent=1)
print("ok")
