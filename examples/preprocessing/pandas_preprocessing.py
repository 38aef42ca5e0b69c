"""Data preprocessing with pandas, then into tensors (seed 004, slides "数据预处理" and
"实验: pandas软件包").

Real data arrive as tables with gaps and text. Before a network can use them:

1. read the table (a small CSV of house prices: number of rooms, alley type, price);
2. split it into inputs (the first two columns) and outputs (the price);
3. fill missing numbers: each NaN in NumRooms becomes the column's mean;
4. turn categories into numbers: ``pd.get_dummies`` replaces the Alley column by one
   0/1 column per value ("one-hot"), with ``dummy_na=True`` giving "missing" its own
   column;
5. convert the all-numeric table to tensors (float64, as NumPy's default).

The CSV is written by the script itself into --out, so that the example needs no data
file: the first step is ordinary file writing, the rest is what one does with any CSV.

Usage: python pandas_preprocessing.py [--fast] [--out DIR] [--torch]
Files: house_tiny.csv (no figure).
"""

import argparse
import os
import tempfile
from pathlib import Path

import pandas as pd

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--fast", action="store_true", help="accepted; the example is fast")
parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "figures")
parser.add_argument("--torch", action="store_true", help="run on PyTorch instead")
args = parser.parse_args()
if args.out.exists() and not args.out.is_dir():
    parser.error(f"--out must be a folder, but {args.out} is a file")

if args.torch:
    import torch
else:
    import tracegrad as torch

# 1. write the small data set (NA marks a missing value)
args.out.mkdir(parents=True, exist_ok=True)
csv_path = args.out / "house_tiny.csv"
handle, temp = tempfile.mkstemp(suffix=".csv", dir=args.out)
with os.fdopen(handle, "w", encoding="utf-8") as file:
    file.write("NumRooms,Alley,Price\n")  # column names
    file.write("NA,Pave,127500\n")  # each row: one house
    file.write("2,NA,106000\n")
    file.write("4,NA,178100\n")
    file.write("NA,NA,140000\n")
os.replace(temp, csv_path)  # written whole or not at all
print("data file:", csv_path)

# read it back: pandas turns "NA" into NaN
data = pd.read_csv(csv_path)
print("== the raw table ==")
print(data)
print()

# 2. inputs: NumRooms and Alley; outputs: Price
inputs, outputs = data.iloc[:, 0:2], data.iloc[:, 2]

# 3. fill the missing numbers with the mean of their column (only numeric columns
#    have a mean; Alley is text and is handled in step 4)
inputs = inputs.fillna(inputs.mean(numeric_only=True))
print("== NumRooms: NaN replaced by the column mean ==")
print(inputs)
print()

# 4. one-hot encode the categorical column; NaN gets its own column Alley_nan
inputs = pd.get_dummies(inputs, dummy_na=True, dtype=float)
print("== Alley one-hot encoded (get_dummies, dummy_na=True) ==")
print(inputs)
print()

# 5. everything is numeric now: convert to tensors
X = torch.tensor(inputs.to_numpy(dtype=float))
y = torch.tensor(outputs.to_numpy(dtype=float))
print("== as tensors ==")
print("X =", X)
print("y =", y)
print("X.shape =", tuple(X.shape), " y.shape =", tuple(y.shape), " dtype:", X.dtype)
