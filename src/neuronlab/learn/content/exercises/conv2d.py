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
