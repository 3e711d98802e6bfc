"""A safetensors file as raw bytes, with the standard library alone (no numpy,
no torch): its metadata, and per tensor its dtype, shape and data.

    metadata, tensors = read(path)      # tensors: {name: (dtype, shape, bytes)}
    write(path, metadata, tensors)
"""
import json
import struct


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    buffer = data[8 + n :]
    metadata = header.pop("__metadata__", {})
    tensors = {
        name: (e["dtype"], e["shape"], buffer[e["data_offsets"][0] : e["data_offsets"][1]])
        for name, e in header.items()
    }
    return metadata, tensors


def write(path, metadata, tensors):
    # Contiguous in the order of the names, the header padded to 8 bytes, as safetensors writers do.
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks))
