import torch
from torch import nn
def default_init_weights(module_list, scale=1, bias_fill=0, **kwargs):
    pass
def make_layer(basic_block, num_basic_block, **kwarg):
    return nn.Sequential(*[basic_block(**kwarg) for _ in range(num_basic_block)])
def pixel_unshuffle(x, scale):
    return torch.nn.functional.pixel_unshuffle(x, scale)
