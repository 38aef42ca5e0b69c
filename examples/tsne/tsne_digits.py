"""t-SNE of a trained network's hidden features, next to t-SNE of the raw pixels (seed 003).

The second homework of seed 003 trains a multi-layer perceptron and, in its test phase,
visualises the features with t-SNE (t-distributed stochastic neighbour embedding), which
places points in 2-D so that neighbours in the high-dimensional space stay neighbours.
This example does the same on scikit-learn's bundled 8x8 digits (1,797 images, 10
classes, no download):

1. split the images 70 / 30 into training and test sets (a seeded permutation);
2. train an MLP 64 → 64 (ReLU) → 10 with Adam on the cross-entropy loss, in minibatches
   from a DataLoader, and print the test accuracy;
3. take the hidden layer's 64 features of the test images and embed them with
   ``sklearn.manifold.TSNE``; embed the raw 64 pixels the same way for comparison;
4. plot both embeddings coloured by class, and print each embedding's silhouette score
   (from -1 to 1: how much closer points lie to their own class than to the nearest other
   class), which the trained features should raise.

``--fast`` trains fewer epochs and runs t-SNE for fewer iterations. ``--torch`` trains
with PyTorch instead.
"""

import argparse
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.manifold import TSNE  # noqa: E402
from sklearn.metrics import silhouette_score  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--torch", action="store_true", help="run on PyTorch instead")
parser.add_argument("--fast", action="store_true", help="fewer epochs and t-SNE iterations")
parser.add_argument("--out", type=Path, default=Path(__file__).parent / "figures")
args = parser.parse_args()

if args.torch:
    import torch
    import torch.nn as nn
    from torch.utils.data import DataLoader, TensorDataset
else:
    import tracegrad as torch
    import tracegrad.nn as nn
    from tracegrad.utils.data import DataLoader, TensorDataset


def save_figure(fig, path: Path) -> None:
    """Write a figure atomically: to a temporary file first, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".png", dir=path.parent)
    os.close(handle)
    fig.savefig(temporary, dpi=110)
    os.replace(temporary, path)
    plt.close(fig)
    print("wrote", path)


torch.manual_seed(0)

# 1. the data: pixel values 0..16 scaled to [0, 1], flattened to 64-vectors
digits = load_digits()
images = torch.tensor(digits.data / 16.0, dtype=torch.float32)  # (1797, 64)
labels = torch.tensor(digits.target, dtype=torch.int64)  # (1797,)
order = torch.randperm(len(labels))
n_train = int(0.7 * len(labels))
train_index, test_index = order[:n_train], order[n_train:]
train_x, train_y = images[train_index], labels[train_index]
test_x, test_y = images[test_index], labels[test_index]
print(f"{len(train_y)} training and {len(test_y)} test images of 8x8 pixels")

# 2. the network: the hidden layer's output is the feature vector we will look at
hidden = nn.Sequential(nn.Linear(64, 64), nn.ReLU())
classifier = nn.Linear(64, 10)
model = nn.Sequential(hidden, classifier)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loader = DataLoader(TensorDataset(train_x, train_y), batch_size=32, shuffle=True)

epochs = 5 if args.fast else 30
for epoch in range(1, epochs + 1):
    total = 0.0
    for batch_x, batch_y in loader:
        loss = loss_fn(model(batch_x), batch_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch_y)
    if epoch == 1 or epoch % 5 == 0 or epoch == epochs:
        print(f"epoch {epoch:3d}  training loss {total / len(train_y):.4f}")

with torch.no_grad():
    features = hidden(test_x)  # (n_test, 64): the hidden layer's activations
    predicted = classifier(features).argmax(dim=1)
accuracy = (predicted == test_y).float().mean().item()
print(f"test accuracy: {accuracy:.4f}")

# 3. t-SNE of the raw pixels and of the hidden features (both 64-dimensional)
tsne_options = {"n_components": 2, "perplexity": 30, "init": "pca", "random_state": 0}
tsne_options["max_iter"] = 300 if args.fast else 1000
classes = test_y.numpy()
embeddings = {}
for name, vectors in (("raw pixels", test_x.numpy()), ("hidden features", features.numpy())):
    embedding = TSNE(**tsne_options).fit_transform(vectors.astype(np.float64))
    embeddings[name] = embedding
    score = silhouette_score(embedding, classes)
    print(f"t-SNE of the {name}: silhouette score {score:.3f}")

# 4. the figure: one panel per embedding, one colour per digit, the digit at its centre
fig, panels = plt.subplots(1, 2, figsize=(12, 5.4))
colours = plt.get_cmap("tab10")
for panel, (name, embedding) in zip(panels, embeddings.items()):
    for digit in range(10):
        points = embedding[classes == digit]
        panel.scatter(points[:, 0], points[:, 1], s=8, color=colours(digit), label=str(digit))
        centre = np.median(points, axis=0)
        panel.text(*centre, str(digit), fontsize=14, weight="bold", ha="center", va="center")
    panel.set_xlabel("t-SNE 1")
    panel.set_ylabel("t-SNE 2")
    panel.set_title(f"t-SNE of the test images' {name}")
panels[1].legend(title="digit", loc="center left", bbox_to_anchor=(1.0, 0.5), markerscale=2)
fig.suptitle(f"Digits, MLP 64 → 64 → 10, test accuracy {accuracy:.3f}")
fig.tight_layout()
save_figure(fig, args.out / "tsne_digits.png")
