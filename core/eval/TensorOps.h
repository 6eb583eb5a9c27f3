#pragma once
// Internal to core/eval: joining and slicing tensors along one axis (Concat, Split, Loop and Scan).
#include "eval/Broadcast.h"
#include "eval/Kernel.h"

namespace netfold::eval {

/// Joins parts along axis (Concat); with newAxis, stacks them along a new axis at that position.
/// Fails naming the part when dtypes or the other dims disagree.
TensorPtr joinAlong(const KernelContext& ctx, const std::vector<const Tensor*>& parts, int64_t axis, bool newAxis);
/// Elements [start, start + len) of t along axis; with dropAxis (len 1) the axis is removed.
TensorPtr sliceAlong(const KernelContext& ctx, const Tensor& t, int64_t axis, int64_t start, int64_t len,
                     bool dropAxis);

/// A tensor of outDims whose element at multi-index idx is src[base + sum(idx[a] * strides[a])]
/// (Transpose, Slice: strides may be zero or negative). Copies whole rows when the last stride is 1.
TensorPtr stridedCopy(const KernelContext& ctx, const Tensor& src, std::vector<int64_t> outDims, int64_t base,
                      const std::vector<int64_t>& strides);
/// A tensor of outDims whose element at each multi-index is src[srcIndex(index)]; where srcIndex
/// returns -1 the element is fill[0] (or zero / empty when fill is null).
template <class F>
TensorPtr gatherByIndex(const KernelContext& ctx, const Tensor& src, std::vector<int64_t> outDims, F&& srcIndex,
                        const Tensor* fill = nullptr)
{
    Output out(ctx, src.dtype(), std::move(outDims));
    int64_t i = 0;
    for (IndexCounter c(out.dims()); c.valid(); c.next(), ++i) {
        const int64_t j = srcIndex(c.index());
        if (j >= 0)
            out.copy(i, src, j);
        else if (fill)
            out.copy(i, *fill, 0);
    }
    return out.finish();
}

} // namespace netfold::eval
