"""
lesson: seeing
title: a convolution with loops

## Task
Write conv2d(image, kernel, bias) for one grey picture: image is a list of rows of
pixels, kernel a small list of rows of weights, bias a number. Slide the kernel over
every whole window (stride 1, no padding); for each window multiply every pixel by the
weight laid on it, add the products and the bias. Return the feature map as a list of
rows. Lay the kernel as it is: kernel[0][0] multiplies the window's top-left pixel.

## Hint
Count first: a kernel of k rows fits len(image) - k + 1 times down the image (a 4-row
image and a 2-row kernel: windows start at rows 0, 1 and 2).

## Hint
Four loops: the output row i, the output column j, then the kernel's row a and column
b; the pixel under kernel[a][b] is image[i + a][j + b].

## Hint
z = bias; for a ...: for b ...: z += image[i + a][j + b] * kernel[a][b]; append z to the
row, and each row to the map.
"""


def conv2d(image, kernel, bias):
    """Return the feature map: one sum of products + bias per whole window."""
    # BEGIN SOLUTION
    # TODO: (rows - k + 1) x (columns - k + 1) windows; each: sum pixel * weight + bias
    # raise NotImplementedError("TODO: write conv2d")
    k_rows, k_cols = len(kernel), len(kernel[0])
    out_rows = len(image) - k_rows + 1
    out_cols = len(image[0]) - k_cols + 1
    feature_map = []
    for i in range(out_rows):
        row = []
        for j in range(out_cols):
            z = bias
            for a in range(k_rows):
                for b in range(k_cols):
                    z += image[i + a][j + b] * kernel[a][b]
            row.append(z)
        feature_map.append(row)
    return feature_map
    # END SOLUTION
