"""Results files as pandas DataFrames (docs/results-format.md).

open_results reads a sweep file's /points columns (or a sensitivity file's /sensitivity table)
with h5py. Categorical columns come back as labels, from each column's own `labels` attribute
(or CF `flag_values`/`flag_meanings` where a file has only those); the file's own words, so
nothing here repeats a vocabulary. Dimension scales (a shared `point` dimension) are not
columns; a `grid_index` column (reduced files) is kept as a column.
"""

import os

import h5py
import numpy as np
import pandas as pd

from .errors import ResultFileError

# Attributes that HDF5 dimension scales and netCDF readers keep; not metadata a reader wants.
_PLUMBING = {"CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates",
             "_NCProperties"}


def _plain(value):
    """An attribute as a plain Python value: str for text, int/float for scalars, lists for arrays."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        if value.shape == ():
            return _plain(value[()])
        return [_plain(v) for v in value.tolist()] if value.dtype.kind in "OSU" else value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, h5py.Reference):
        return None
    return value


def _attrs(obj):
    return {k: _plain(obj.attrs[k]) for k in obj.attrs if k not in _PLUMBING}


def _texts(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _labels_of(attrs):
    """{code: label} of a categorical column, or None when it is not categorical."""
    if "labels" in attrs:
        return dict(enumerate(_texts(attrs["labels"])))
    if "flag_values" in attrs and "flag_meanings" in attrs:
        values = attrs["flag_values"]
        values = values if isinstance(values, list) else [values]
        meanings = str(attrs["flag_meanings"]).split()
        if len(values) == len(meanings):
            return dict(zip((int(v) for v in values), meanings))
    return None


def _decode(values, attrs):
    """Codes as a pandas Categorical of their labels; a pending code as 'pending', others NA."""
    labels = _labels_of(attrs)
    if labels is None:
        if attrs.get("units") == "bool" and values.dtype.kind in "iu":
            return values.astype(bool)
        return values
    if "pending_code" in attrs:
        labels = {**labels, int(attrs["pending_code"]): "pending"}
    categories = list(dict.fromkeys(labels.values()))
    codes = np.full(len(values), -1, dtype=np.int64)
    for code, label in labels.items():
        codes[values == code] = categories.index(label)
    return pd.Categorical.from_codes(codes, categories=categories)


def _is_dimension_scale(ds):
    value = ds.attrs.get("CLASS")
    return _plain(value) == "DIMENSION_SCALE" if value is not None else False


def _table(path, group, name):
    """The 1-D datasets of `group` as columns, with their attributes."""
    columns, info = {}, {}
    length = None
    for key, ds in group.items():
        if not isinstance(ds, h5py.Dataset) or _is_dimension_scale(ds):
            continue
        factors = None
        if len(ds.shape) == 2 and key.endswith("_steps"):
            # A sensitivity file's rows x steps table: one column per step, named by its factor.
            factors = [float(f) for f in np.atleast_1d(group.file.attrs.get("steps", []))]
            if len(factors) != ds.shape[1]:
                raise ResultFileError(f"{path}:/{name}/{key}: {ds.shape[1]} steps, the root's steps "
                                      f"attribute {len(factors)}")
        elif len(ds.shape) != 1:
            raise ResultFileError(f"{path}:/{name}/{key}: expected a 1-D column, got shape {ds.shape}")
        if length is not None and ds.shape[0] != length:
            raise ResultFileError(f"{path}:/{name}/{key}: {ds.shape[0]} rows, the other columns {length}")
        length = ds.shape[0]
        try:
            values = ds[()]
        except (OSError, ValueError) as e:
            raise ResultFileError(f"{path}:/{name}/{key}: cannot read: {e}") from None
        if factors is None:
            info[key] = _attrs(ds)
            columns[key] = _decode(values, info[key])
            continue
        for j, factor in enumerate(factors):
            column = f"{key[:-len('_steps')]}_x{factor:g}"
            info[column] = {**_attrs(ds), "step": factor}
            columns[column] = _decode(values[:, j], info[column])
    frame = pd.DataFrame(columns)
    frame.index.name = "point" if name == "points" else None
    return frame, info


def open_results(path):
    """A results file as a pandas DataFrame, one row per grid point in grid order.

    Sweep files (`llmsweep sweep`) give their /points columns: categorical columns (hardware,
    status, batch_rule, ...) decoded to their labels, uint8 columns with units "bool" as bools.
    Sensitivity files (`llmsweep sensitivity -o`) give their /sensitivity table with the number
    and units of each row.

    df.attrs holds what the file says about itself:
      units        {column: units}
      descriptions {column: description}
      columns      {column: every attribute of the column (labels, role, long_name, ...)}
      metadata     the root attributes (schema_version, llmsweep_version, git_hash, spec,
                   profile:<stem>, axis_names, ...), plus `axes` ({axis: value labels}) for sweeps
      path         the file

    Raises ResultFileError (an OSError) when the file is missing or is not an llmsweep file.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ResultFileError(f"{path}: no such results file")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise ResultFileError(f"{path}: not a readable HDF5 file ({e})") from None
    with f:
        metadata = _attrs(f)
        if metadata.get("kind") == "sensitivity" and "sensitivity" in f:
            frame, info = _table(path, f["sensitivity"], "sensitivity")
            group = _attrs(f["sensitivity"])
            frame.insert(0, "number", _texts(group.get("number"))[:len(frame)] or [""] * len(frame))
            frame.insert(1, "units", _texts(group.get("units"))[:len(frame)] or [""] * len(frame))
        elif "points" in f and isinstance(f["points"], h5py.Group):
            frame, info = _table(path, f["points"], "points")
            if "axes" in f:
                metadata["axes"] = {k: _texts(v) for k, v in _attrs(f["axes"]).items()}
        else:
            raise ResultFileError(f"{path}: not an llmsweep results file (no /points group)")
    frame.attrs["units"] = {k: v.get("units", "") for k, v in info.items()}
    frame.attrs["descriptions"] = {k: v.get("description", "") for k, v in info.items()}
    frame.attrs["columns"] = info
    frame.attrs["metadata"] = metadata
    frame.attrs["path"] = path
    return frame
