"""Face detection with OpenCV's Haar cascade (seed 000, homework "用OpenCV检测人脸":
read the picture, find the faces with ``cv2.CascadeClassifier``, draw boxes, write text,
show the picture).

Steps:

1. read the photograph: ``skimage.data.astronaut()`` (Eileen Collins, 512x512 RGB), which
   ships with scikit-image, so nothing is downloaded;
2. convert it to grayscale (the cascade works on intensities) with a tensor operation,
   gray = RGB @ [0.299, 0.587, 0.114], and compare with ``cv2.cvtColor``; OpenCV stores
   colour images as BGR, NumPy/scikit-image as RGB, so the channel order matters;
3. run the pre-trained frontal-face cascade that ships with opencv-python
   (``cv2.data.haarcascades``): it slides windows of growing size (``scaleFactor``) over
   the image and keeps a window when enough overlapping detections agree
   (``minNeighbors``). OpenCV 5 moved ``CascadeClassifier`` out of its main package;
   there the script uses scikit-image's cascade detector with the LBP face cascade
   OpenCV trained (shipped with scikit-image) and says so;
4. draw a box and a label per face and save the picture (instead of a window: this runs
   in a terminal), printing each box as (x, y, width, height) in pixels.

Usage: python face_detection.py [--fast] [--out DIR] [--torch]
Figure: faces.png.
"""

import argparse
import os
import tempfile
from pathlib import Path

import cv2
import numpy as np
from skimage import data

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

# 1. the photograph, as a height x width x 3 array of uint8 RGB values
rgb = data.astronaut()
height, width = rgb.shape[:2]
print(f"image: {width}x{height} pixels, {rgb.shape[2]} channels (RGB), dtype {rgb.dtype}")

# 2. grayscale with a tensor: a weighted sum over the colour axis (ITU-R BT.601 weights)
weights = torch.tensor([0.299, 0.587, 0.114], dtype=torch.float64)
gray_tensor = torch.from_numpy(rgb.astype(np.float64)) @ weights  # (H, W, 3) @ (3,) = (H, W)
gray = gray_tensor.round().clamp(0, 255).numpy().astype(np.uint8)
bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)  # OpenCV's own channel order
gray_opencv = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
difference = np.abs(gray.astype(int) - gray_opencv.astype(int)).max()
print(f"grayscale by tensor vs cv2.cvtColor: largest difference {difference} (of 255)")


# 3. the pre-trained frontal-face detector
def haar_cascade_detector():
    """OpenCV's Haar cascade (OpenCV 4.x), or None where this OpenCV lacks it."""
    if not hasattr(cv2, "CascadeClassifier") or not hasattr(cv2, "data"):
        return None
    cascade_path = os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml")
    detector = cv2.CascadeClassifier(cascade_path)
    if detector.empty():
        raise RuntimeError(f"could not load the Haar cascade from {cascade_path}")

    def detect(gray):
        found = detector.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(30, 30))
        return [tuple(int(v) for v in box) for box in found]

    return detect


def lbp_cascade_detector():
    """scikit-image's cascade detector with the LBP frontal-face cascade that OpenCV trained
    and scikit-image ships. Used where OpenCV has no CascadeClassifier: OpenCV 5 moved it
    out of the main package."""
    from skimage.feature import Cascade

    detector = Cascade(data.lbp_frontal_face_cascade_filename())

    def detect(gray):
        # windows below 60 pixels also fire on patches of the space suit
        found = detector.detect_multi_scale(
            img=gray, scale_factor=1.2, step_ratio=1, min_size=(60, 60), max_size=(200, 200)
        )
        return [(d["c"], d["r"], d["width"], d["height"]) for d in found]

    return detect


detect = haar_cascade_detector()
if detect is not None:
    print("detector: cv2.CascadeClassifier with haarcascade_frontalface_default.xml")
else:
    detect = lbp_cascade_detector()
    print(
        f"detector: OpenCV {cv2.__version__} has no CascadeClassifier; using "
        "skimage.feature.Cascade with lbpcascade_frontalface_opencv.xml"
    )
faces = detect(gray)
print(f"faces found: {len(faces)}")
boxes = torch.tensor(faces, dtype=torch.int64).reshape(-1, 4)  # one row (x, y, w, h) per face
for x, y, w, h in boxes.tolist():
    print(f"face box: x={x} y={y} width={w} height={h}")

# 4. draw the boxes and labels on the colour picture, and save it
for x, y, w, h in boxes.tolist():
    cv2.rectangle(bgr, (x, y), (x + w, y + h), color=(0, 255, 0), thickness=2)
    cv2.putText(bgr, "face", (x, max(y - 8, 12)), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (0, 255, 0), 2)
args.out.mkdir(parents=True, exist_ok=True)
handle, temp = tempfile.mkstemp(suffix=".png", dir=args.out)
os.close(handle)
if not cv2.imwrite(temp, bgr):
    raise RuntimeError(f"OpenCV could not write {temp}")
os.replace(temp, args.out / "faces.png")  # written whole or not at all
print("figure:", args.out / "faces.png")
