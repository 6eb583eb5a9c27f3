// Indexing: Slice, Gather, GatherElements, GatherND, ScatterND, ScatterElements (Scatter), NonZero,
// Trilu, CumSum, OneHot, TopK.
#include "eval/Elementwise.h"
#include "eval/TensorOps.h"

#include <limits>
#include <algorithm>
#include <numeric>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

int64_t rankOf(const Tensor& t) { return static_cast<int64_t>(t.rank()); }

/// Normalizes a possibly negative index into [0, size); fails naming the axis otherwise.
int64_t checkedIndex(const KernelContext& ctx, int64_t index, int64_t axis, int64_t size)
{
    if (index < -size || index >= size)
        ctx.fail("index " + std::to_string(index) + " is out of range for axis " + std::to_string(axis) + " of size "
                 + std::to_string(size));
    return index < 0 ? index + size : index;
}

// ---- Slice -----------------------------------------------------------------------------------

struct SliceArgs {
    std::vector<int64_t> starts, ends, axes, steps;
};

SliceArgs sliceArgs(const KernelContext& ctx, int64_t rank)
{
    SliceArgs s;
    if (ctx.opset() < 10) {
        s.starts = ctx.attrInts("starts");
        s.ends = ctx.attrInts("ends");
        s.axes = ctx.attrInts("axes");
    } else {
        s.starts = ctx.ints(1);
        s.ends = ctx.ints(2);
        if (ctx.has(3))
            s.axes = ctx.ints(3);
        if (ctx.has(4))
            s.steps = ctx.ints(4);
    }
    const std::size_t n = s.starts.size();
    if (!ctx.hasAttr("axes") && !ctx.has(3))
        for (std::size_t i = 0; i < n; ++i)
            s.axes.push_back(static_cast<int64_t>(i));
    if (s.steps.empty())
        s.steps.assign(n, 1);
    if (s.ends.size() != n || s.axes.size() != n || s.steps.size() != n)
        ctx.fail("starts, ends, axes and steps have different lengths (" + std::to_string(n) + ", "
                 + std::to_string(s.ends.size()) + ", " + std::to_string(s.axes.size()) + ", "
                 + std::to_string(s.steps.size()) + ")");
    s.axes = ctx.axes(s.axes, rank);
    return s;
}

Outputs slice(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    const SliceArgs s = sliceArgs(ctx, rankOf(x));
    std::vector<int64_t> start(x.rank(), 0), step(x.rank(), 1), dims = x.dims();
    for (std::size_t i = 0; i < s.axes.size(); ++i) {
        const auto a = static_cast<std::size_t>(s.axes[i]);
        const int64_t d = x.dims()[a];
        const int64_t st = s.steps[i];
        if (st == 0)
            ctx.fail("step 0 on axis " + std::to_string(a) + " is not allowed");
        if (d == 0) {
            dims[a] = 0;
            continue;
        }
        int64_t b = s.starts[i] < 0 ? s.starts[i] + d : s.starts[i];
        int64_t e = s.ends[i] < 0 ? s.ends[i] + d : s.ends[i];
        b = st > 0 ? std::clamp<int64_t>(b, 0, d) : std::clamp<int64_t>(b, 0, d - 1);
        e = st > 0 ? std::clamp<int64_t>(e, 0, d) : std::clamp<int64_t>(e, -1, d - 1);
        const int64_t span = st > 0 ? e - b : b - e;
        const int64_t mag = st > 0 ? st : st == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max() : -st;
        dims[a] = span <= 0 ? 0 : (span - 1) / mag + 1;
        start[a] = b;
        // Only a step taken more than once moves the index (and then |step| < the dim): a huge
        // step on an axis of one output element must not overflow step * stride below.
        step[a] = dims[a] > 1 ? st : 1;
    }
    const auto inStrides = stridesOf(x.dims());
    int64_t base = 0;
    std::vector<int64_t> strides(x.rank());
    for (std::size_t a = 0; a < x.rank(); ++a) {
        base += start[a] * inStrides[a];
        strides[a] = step[a] * inStrides[a];
    }
    return {stridedCopy(ctx, x, dims, base, strides)};
}

// ---- Gather family ---------------------------------------------------------------------------

Outputs gather(KernelContext& ctx)
{
    const Tensor& data = ctx.in(0);
    ctx.requireType(1, kIndexTypes);
    ctx.requireMinRank(0, 1);
    const int64_t axis = ctx.axis(ctx.attrInt("axis", 0), rankOf(data));
    const auto a = static_cast<std::size_t>(axis);
    const int64_t size = data.dims()[a];
    auto indices = ctx.ints(1);
    for (auto& i : indices)
        i = checkedIndex(ctx, i, axis, size);
    std::vector<int64_t> dims(data.dims().begin(), data.dims().begin() + axis);
    dims.insert(dims.end(), ctx.in(1).dims().begin(), ctx.in(1).dims().end());
    dims.insert(dims.end(), data.dims().begin() + axis + 1, data.dims().end());
    Output out(ctx, data.dtype(), dims);
    const int64_t outer = product(data.dims(), 0, a);
    const int64_t inner = product(data.dims(), a + 1);
    int64_t dst = 0;
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t i : indices) {
            out.copyRun(dst, data, (o * size + i) * inner, inner);
            dst += inner;
        }
    return {out.finish()};
}

/// For GatherElements/ScatterElements: the data offset addressed by indices[pos] at multi-index idx.
int64_t elementOffset(const KernelContext& ctx, const std::vector<int64_t>& idx, int64_t index, int64_t axis,
                      const std::vector<int64_t>& dataDims, const std::vector<int64_t>& strides)
{
    int64_t j = 0;
    for (std::size_t a = 0; a < idx.size(); ++a) {
        int64_t c = idx[a];
        if (static_cast<int64_t>(a) == axis)
            c = checkedIndex(ctx, index, axis, dataDims[a]);
        else if (c >= dataDims[a])
            ctx.fail("indices shape exceeds data shape " + dimsString(dataDims) + " on axis " + std::to_string(a));
        j += c * strides[a];
    }
    return j;
}

Outputs gatherElements(KernelContext& ctx)
{
    const Tensor& data = ctx.in(0);
    const Tensor& ind = ctx.in(1);
    ctx.requireType(1, kIndexTypes);
    ctx.requireMinRank(0, 1);
    if (ind.rank() != data.rank())
        ctx.fail("indices has rank " + std::to_string(ind.rank()) + ", data " + std::to_string(data.rank()));
    const int64_t axis = ctx.axis(ctx.attrInt("axis", 0), rankOf(data));
    const auto indices = ctx.ints(1);
    const auto strides = stridesOf(data.dims());
    int64_t pos = 0;
    return {gatherByIndex(ctx, data, ind.dims(), [&](const std::vector<int64_t>& idx) {
        return elementOffset(ctx, idx, indices[static_cast<std::size_t>(pos++)], axis, data.dims(), strides);
    })};
}

/// Offsets (into data, in slices of `inner` elements) addressed by the index tuples of GatherND/ScatterND.
struct NDLayout {
    int64_t batch = 1;        // product of the batch dims
    int64_t tuples = 0;       // index tuples per batch
    int64_t inner = 1;        // elements per addressed slice
    std::vector<int64_t> offsets; // element offset of each tuple's slice, all batches
};

NDLayout ndLayout(const KernelContext& ctx, const Tensor& data, const Tensor& indices, int64_t batchDims)
{
    const int64_t r = rankOf(data), q = rankOf(indices);
    if (q < 1 || batchDims < 0 || batchDims >= std::min(r, q))
        ctx.fail("batch_dims " + std::to_string(batchDims) + " does not fit data rank " + std::to_string(r)
                 + " and indices rank " + std::to_string(q));
    const auto b = static_cast<std::size_t>(batchDims);
    for (std::size_t i = 0; i < b; ++i)
        if (data.dims()[i] != indices.dims()[i])
            ctx.fail("batch dimension " + std::to_string(i) + " differs between data and indices");
    const int64_t k = indices.dims().back();
    if (k > r - batchDims)
        ctx.fail("index tuples of length " + std::to_string(k) + " are too long for data of rank " + std::to_string(r));
    NDLayout L;
    L.batch = product(data.dims(), 0, b);
    L.inner = product(data.dims(), b + static_cast<std::size_t>(k));
    L.tuples = L.batch ? product(indices.dims(), 0, indices.rank() - 1) / L.batch : 0;
    const auto strides = stridesOf(data.dims());
    const int64_t batchStride = product(data.dims(), b);
    const auto values = readAs<int64_t>(indices);
    for (int64_t t = 0; t < L.batch * L.tuples; ++t) {
        int64_t offset = (t / std::max<int64_t>(L.tuples, 1)) * batchStride;
        for (int64_t j = 0; j < k; ++j) {
            const auto axis = static_cast<std::size_t>(batchDims + j);
            offset += checkedIndex(ctx, values[static_cast<std::size_t>(t * k + j)], int64_t(axis), data.dims()[axis])
                      * strides[axis];
        }
        L.offsets.push_back(offset);
    }
    return L;
}

Outputs gatherND(KernelContext& ctx)
{
    const Tensor& data = ctx.in(0);
    const Tensor& indices = ctx.in(1);
    ctx.requireType(1, typeBit(dtype::Int64));
    const int64_t batchDims = ctx.attrInt("batch_dims", 0);
    const NDLayout L = ndLayout(ctx, data, indices, batchDims);
    std::vector<int64_t> dims(indices.dims().begin(), indices.dims().end() - 1);
    dims.insert(dims.end(), data.dims().begin() + batchDims + indices.dims().back(), data.dims().end());
    Output out(ctx, data.dtype(), dims);
    for (std::size_t t = 0; t < L.offsets.size(); ++t)
        out.copyRun(int64_t(t) * L.inner, data, L.offsets[t], L.inner);
    return {out.finish()};
}

// ---- Scatter family --------------------------------------------------------------------------

/// Writes updates into a copy of data at the given element offsets, combining per reduction.
TensorPtr scatter(const KernelContext& ctx, const Tensor& data, const Tensor& updates,
                  const std::vector<std::pair<int64_t, int64_t>>& writes)
{
    const std::string reduction = ctx.opset() >= 16 ? ctx.attrString("reduction", "none") : "none";
    if (reduction != "none" && reduction != "add" && reduction != "mul"
        && !(ctx.opset() >= 18 && (reduction == "max" || reduction == "min")))
        ctx.fail("reduction '" + reduction + "' is not supported");
    if (updates.dtype() != data.dtype())
        ctx.fail("updates has dtype " + dtypeName(updates.dtype()) + ", data " + dtypeName(data.dtype()));
    Output out(ctx, data.dtype(), data.dims());
    out.copyRun(0, data, 0, data.numel());
    if (reduction == "none") {
        for (const auto& [dst, src] : writes)
            out.copy(dst, updates, src);
        return out.finish();
    }
    if (!isNumericType(data.dtype()) || data.dtype() == dtype::Bool)
        ctx.fail("reduction '" + reduction + "' needs a numeric dtype");
    withDomain(data.dtype(), [&](auto tag) {
        using T = decltype(tag);
        auto acc = readAs<T>(data);
        const auto upd = readAs<T>(updates);
        for (const auto& [dst, src] : writes) {
            T& a = acc[static_cast<std::size_t>(dst)];
            const T u = upd[static_cast<std::size_t>(src)];
            a = reduction == "add" ? wrapAdd(a, u)
                : reduction == "mul" ? wrapMul(a, u)
                : reduction == "max" ? std::max(a, u)
                                     : std::min(a, u);
            out.put(dst, a);
        }
    });
    return out.finish();
}

Outputs scatterND(KernelContext& ctx)
{
    const Tensor& data = ctx.in(0);
    const Tensor& indices = ctx.in(1);
    const Tensor& updates = ctx.in(2);
    ctx.requireType(1, typeBit(dtype::Int64));
    ctx.requireMinRank(1, 1);
    const NDLayout L = ndLayout(ctx, data, indices, 0);
    std::vector<int64_t> expected(indices.dims().begin(), indices.dims().end() - 1);
    expected.insert(expected.end(), data.dims().begin() + indices.dims().back(), data.dims().end());
    if (updates.dims() != expected)
        ctx.fail("updates has shape " + dimsString(updates.dims()) + ", expected " + dimsString(expected));
    std::vector<std::pair<int64_t, int64_t>> writes;
    for (std::size_t t = 0; t < L.offsets.size(); ++t)
        for (int64_t e = 0; e < L.inner; ++e)
            writes.emplace_back(L.offsets[t] + e, int64_t(t) * L.inner + e);
    return {scatter(ctx, data, updates, writes)};
}

Outputs scatterElements(KernelContext& ctx)
{
    const Tensor& data = ctx.in(0);
    const Tensor& ind = ctx.in(1);
    const Tensor& updates = ctx.in(2);
    ctx.requireType(1, kIndexTypes);
    ctx.requireMinRank(0, 1);
    if (ind.rank() != data.rank() || updates.dims() != ind.dims())
        ctx.fail("indices " + dimsString(ind.dims()) + " and updates " + dimsString(updates.dims())
                 + " must have the same shape and data's rank " + std::to_string(data.rank()));
    const int64_t axis = ctx.axis(ctx.attrInt("axis", 0), rankOf(data));
    const auto indices = ctx.ints(1);
    const auto strides = stridesOf(data.dims());
    std::vector<std::pair<int64_t, int64_t>> writes;
    int64_t pos = 0;
    for (IndexCounter c(ind.dims()); c.valid(); c.next(), ++pos)
        writes.emplace_back(
            elementOffset(ctx, c.index(), indices[static_cast<std::size_t>(pos)], axis, data.dims(), strides), pos);
    return {scatter(ctx, data, updates, writes)};
}

// ---- others --------------------------------------------------------------------------------

Outputs nonZero(KernelContext& ctx)
{
    ctx.requireType(0, kNumericOrBool);
    const Tensor& x = ctx.in(0);
    const auto v = readAs<double>(x);
    std::vector<int64_t> hits;
    for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i] != 0)
            hits.push_back(static_cast<int64_t>(i));
    const auto rank = std::max<std::size_t>(x.rank(), 1);
    const auto n = static_cast<int64_t>(hits.size());
    Output out(ctx, dtype::Int64, {static_cast<int64_t>(rank), n});
    const auto strides = stridesOf(x.dims());
    for (int64_t k = 0; k < n; ++k)
        for (std::size_t a = 0; a < x.rank(); ++a)
            out.setInt(int64_t(a) * n + k, (hits[std::size_t(k)] / strides[a]) % x.dims()[a]);
    if (x.rank() == 0)
        for (int64_t k = 0; k < n; ++k)
            out.setInt(k, 0);
    return {out.finish()};
}

Outputs trilu(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    ctx.requireMinRank(0, 2);
    const int64_t k = ctx.has(1) ? ctx.scalarInt(1) : 0;
    const bool upper = ctx.attrInt("upper", 1) != 0;
    const auto r = x.rank();
    const auto strides = stridesOf(x.dims());
    return {gatherByIndex(ctx, x, x.dims(), [&](const std::vector<int64_t>& idx) {
        const int64_t diff = idx[r - 1] - idx[r - 2];
        if (upper ? diff < k : diff > k)
            return int64_t(-1);
        int64_t j = 0;
        for (std::size_t a = 0; a < r; ++a)
            j += idx[a] * strides[a];
        return j;
    })};
}

Outputs cumSum(KernelContext& ctx)
{
    ctx.requireType(0, kNumeric);
    const Tensor& x = ctx.in(0);
    const int64_t axis = ctx.axis(ctx.scalarInt(1), rankOf(x));
    const bool exclusive = ctx.attrInt("exclusive", 0) != 0;
    const bool reverse = ctx.attrInt("reverse", 0) != 0;
    const auto a = static_cast<std::size_t>(axis);
    const int64_t outer = product(x.dims(), 0, a), n = x.dims()[a], inner = product(x.dims(), a + 1);
    Output out(ctx, x.dtype(), x.dims());
    withDomain(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const auto v = readAs<T>(x);
        for (int64_t o = 0; o < outer; ++o)
            for (int64_t in = 0; in < inner; ++in) {
                T total = 0;
                for (int64_t step = 0; step < n; ++step) {
                    const int64_t k = reverse ? n - 1 - step : step;
                    const int64_t at = (o * n + k) * inner + in;
                    const T here = v[static_cast<std::size_t>(at)];
                    if (!exclusive)
                        total = wrapAdd(total, here);
                    out.put(at, total);
                    if (exclusive)
                        total = wrapAdd(total, here);
                }
            }
    });
    return {out.finish()};
}

Outputs oneHot(KernelContext& ctx)
{
    ctx.requireType(0, kNumeric);
    const Tensor& indices = ctx.in(0);
    const Tensor& values = ctx.in(2);
    if (values.numel() != 2)
        ctx.fail("values must hold [off, on], not shape " + dimsString(values.dims()));
    const double depthValue = ctx.scalarDouble(1);
    if (!(depthValue >= 1 && depthValue < 0x1p63)) // NaN and values no int64 holds too
        ctx.fail("depth " + formatNumber(depthValue) + " is not a positive int64");
    const auto depth = static_cast<int64_t>(depthValue);
    const int64_t rank = rankOf(indices) + 1;
    int64_t axis = ctx.attrInt("axis", -1);
    axis = ctx.axis(axis, rank);
    std::vector<int64_t> dims = indices.dims();
    dims.insert(dims.begin() + axis, depth);
    const auto idx = readAs<int64_t>(indices);
    const int64_t inner = product(indices.dims(), static_cast<std::size_t>(axis));
    Output out(ctx, values.dtype(), dims);
    for (int64_t i = 0; i < out.numel(); ++i) {
        const int64_t d = (i / inner) % depth;
        const int64_t src = (i / (inner * depth)) * inner + i % inner;
        int64_t want = idx[static_cast<std::size_t>(src)];
        if (want < 0)
            want += depth;
        out.copy(i, values, want == d ? 1 : 0);
    }
    return {out.finish()};
}

Outputs topK(KernelContext& ctx)
{
    ctx.requireType(0, kNumeric);
    const Tensor& x = ctx.in(0);
    const int64_t axis = ctx.axis(ctx.attrInt("axis", -1), rankOf(x));
    const auto a = static_cast<std::size_t>(axis);
    const int64_t k = ctx.opset() < 10 ? ctx.attrInt("k", 0) : ctx.scalarInt(1);
    const int64_t n = x.dims()[a];
    if (k < 0 || k > n)
        ctx.fail("k " + std::to_string(k) + " is out of range for axis " + std::to_string(axis) + " of size "
                 + std::to_string(n));
    const bool largest = ctx.attrInt("largest", 1) != 0;
    std::vector<int64_t> dims = x.dims();
    dims[a] = k;
    Output values(ctx, x.dtype(), dims);
    Output indices(ctx, dtype::Int64, dims);
    const int64_t outer = product(x.dims(), 0, a), inner = product(x.dims(), a + 1);
    const auto v = readAs<double>(x);
    std::vector<int64_t> order(static_cast<std::size_t>(n));
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t in = 0; in < inner; ++in) {
            auto at = [&](int64_t i) { return (o * n + i) * inner + in; };
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [&](int64_t p, int64_t q) {
                return largest ? v[std::size_t(at(p))] > v[std::size_t(at(q))] : v[std::size_t(at(p))] < v[std::size_t(at(q))];
            });
            for (int64_t i = 0; i < k; ++i) {
                const int64_t dst = (o * k + i) * inner + in;
                values.copy(dst, x, at(order[std::size_t(i)]));
                indices.setInt(dst, order[std::size_t(i)]);
            }
        }
    return {values.finish(), indices.finish()};
}

} // namespace

void registerIndexKernels(KernelTable& table)
{
    table["Slice"] = slice;
    table["Gather"] = gather;
    table["GatherElements"] = gatherElements;
    table["GatherND"] = gatherND;
    table["ScatterND"] = scatterND;
    table["ScatterElements"] = scatterElements;
    table["Scatter"] = scatterElements;
    table["NonZero"] = nonZero;
    table["Trilu"] = trilu;
    table["CumSum"] = cumSum;
    table["OneHot"] = oneHot;
    table["TopK"] = topK;
}

} // namespace netfold::eval
