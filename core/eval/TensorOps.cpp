#include "eval/TensorOps.h"

#include "model/DataType.h"

#include <algorithm>
#include <cstring>
#include <system_error>
#include <thread>

#include "eval/Broadcast.h"
#include "eval/Values.h"

namespace netfold::eval {

namespace {
std::vector<int64_t> withoutAxis(std::vector<int64_t> dims, std::size_t axis)
{
    dims.erase(dims.begin() + static_cast<std::ptrdiff_t>(axis));
    return dims;
}
} // namespace

TensorPtr joinAlong(const KernelContext& ctx, const std::vector<const Tensor*>& parts, int64_t axis, bool newAxis)
{
    if (parts.empty())
        ctx.fail("there is nothing to join");
    const Tensor& first = *parts.front();
    const auto a = static_cast<std::size_t>(axis);
    const auto key = [&](const Tensor& t) { return newAxis ? t.dims() : withoutAxis(t.dims(), a); };
    std::vector<int64_t> dims = first.dims();
    if (newAxis)
        dims.insert(dims.begin() + axis, 0);
    else
        dims[a] = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const Tensor& p = *parts[i];
        if (p.dtype() != first.dtype())
            ctx.fail("part " + std::to_string(i) + " has dtype " + dtypeName(p.dtype()) + ", part 0 has "
                     + dtypeName(first.dtype()));
        if (p.rank() != first.rank() || key(p) != key(first))
            ctx.fail("part " + std::to_string(i) + " has shape " + dimsString(p.dims()) + ", which does not match "
                     + dimsString(first.dims()) + (newAxis ? "" : " outside axis " + std::to_string(axis)));
        dims[a] += newAxis ? 1 : p.dims()[a];
    }
    Output out(ctx, first.dtype(), dims, Output::Fill::Overwritten);
    const int64_t outer = product(dims, 0, a);
    int64_t dst = 0;
    for (int64_t o = 0; o < outer; ++o)
        for (const Tensor* p : parts) {
            const int64_t slab = product(p->dims(), newAxis ? a : a + 1) * (newAxis ? 1 : p->dims()[a]);
            out.copyRun(dst, *p, o * slab, slab);
            dst += slab;
        }
    return out.finish();
}

TensorPtr sliceAlong(const KernelContext& ctx, const Tensor& t, int64_t axis, int64_t start, int64_t len,
                     bool dropAxis)
{
    const auto a = static_cast<std::size_t>(axis);
    std::vector<int64_t> dims = t.dims();
    dims[a] = len;
    if (dropAxis)
        dims = withoutAxis(dims, a);
    Output out(ctx, t.dtype(), dims, Output::Fill::Overwritten);
    const int64_t outer = product(t.dims(), 0, a);
    const int64_t inner = product(t.dims(), a + 1);
    const int64_t size = t.dims()[a];
    for (int64_t o = 0; o < outer; ++o)
        out.copyRun(o * len * inner, t, (o * size + start) * inner, len * inner);
    return out.finish();
}

namespace {

template <class T>
void gatherTyped(uint8_t* out, int64_t dst, const uint8_t* in, int64_t offset, int64_t step, int64_t n)
{
    T* o = reinterpret_cast<T*>(out) + dst;
    const T* i = reinterpret_cast<const T*>(in) + offset;
    for (int64_t k = 0; k < n; ++k)
        o[k] = i[k * step];
}

/// Copies n elements, step apart in the input, to consecutive places in the output.
void gatherRow(uint8_t* out, int64_t dst, const uint8_t* in, int64_t offset, int64_t step, int64_t n, std::size_t esize)
{
    switch (esize) {
    case 1: gatherTyped<uint8_t>(out, dst, in, offset, step, n); break;
    case 2: gatherTyped<uint16_t>(out, dst, in, offset, step, n); break;
    case 4: gatherTyped<uint32_t>(out, dst, in, offset, step, n); break;
    case 8: gatherTyped<uint64_t>(out, dst, in, offset, step, n); break;
    default:
        for (int64_t k = 0; k < n; ++k)
            std::memcpy(out + (dst + k) * static_cast<int64_t>(esize), in + (offset + k * step) * static_cast<int64_t>(esize), esize);
    }
}

constexpr int64_t kTile = 16;

/// out[i * outRowStride + j] = in[i + j * colStep] for rowBegin <= i < rowEnd, j < cols, in tiles,
/// so that the input's cache lines (consecutive i) are used whole while they are loaded: a
/// transpose that reads one element per line and row is several times slower on big weights.
template <class T>
void transposePlaneTyped(uint8_t* outBytes, int64_t outRowStride, const uint8_t* inBytes, int64_t rowBegin,
                         int64_t rowEnd, int64_t cols, int64_t colStep)
{
    T* out = reinterpret_cast<T*>(outBytes);
    const T* in = reinterpret_cast<const T*>(inBytes);
    for (int64_t i0 = rowBegin; i0 < rowEnd; i0 += kTile) {
        const int64_t i1 = std::min(rowEnd, i0 + kTile);
        for (int64_t j0 = 0; j0 < cols; j0 += kTile) {
            const int64_t j1 = std::min(cols, j0 + kTile);
            for (int64_t i = i0; i < i1; ++i) {
                T* o = out + i * outRowStride;
                const T* src = in + i;
                for (int64_t j = j0; j < j1; ++j)
                    o[j] = src[j * colStep];
            }
        }
    }
}

/// Runs body(begin, end) over [0, rows), split into tile-aligned parts on several threads when the
/// part is big enough to pay for a thread: the output's fresh pages are then also first touched
/// (faulted in) in parallel, which is most of the cost of transposing big weights.
template <class F> void forRowParts(int64_t rows, std::size_t bytes, F body)
{
    constexpr std::size_t kBytesPerThread = 4u << 20;
    const int64_t cores = std::max(1u, std::thread::hardware_concurrency());
    const int64_t parts = std::min({cores, int64_t(4), static_cast<int64_t>(bytes / kBytesPerThread), rows / kTile});
    if (parts <= 1) {
        body(int64_t(0), rows);
        return;
    }
    const int64_t per = ((rows + parts - 1) / parts + kTile - 1) / kTile * kTile;
    std::vector<std::thread> threads;
    int64_t begin = per;
    try {
        for (; begin < rows; begin += per)
            threads.emplace_back(body, begin, std::min(rows, begin + per));
    } catch (const std::system_error&) {
        // No more threads: this one does the rest.
        body(begin, rows);
    }
    body(int64_t(0), std::min(rows, per));
    for (std::thread& t : threads)
        t.join();
}

/// The tiled transpose for any element size; false for sizes it does not handle.
bool transposePlane(uint8_t* out, int64_t outRowStride, const uint8_t* in, int64_t rows, int64_t cols, int64_t colStep,
                    std::size_t esize)
{
    void (*fn)(uint8_t*, int64_t, const uint8_t*, int64_t, int64_t, int64_t, int64_t) = nullptr;
    switch (esize) {
    case 1: fn = transposePlaneTyped<uint8_t>; break;
    case 2: fn = transposePlaneTyped<uint16_t>; break;
    case 4: fn = transposePlaneTyped<uint32_t>; break;
    case 8: fn = transposePlaneTyped<uint64_t>; break;
    default: return false;
    }
    forRowParts(rows, static_cast<std::size_t>(rows * cols) * esize,
                [=](int64_t begin, int64_t end) { fn(out, outRowStride, in, begin, end, cols, colStep); });
    return true;
}

} // namespace

TensorPtr stridedCopy(const KernelContext& ctx, const Tensor& src, std::vector<int64_t> outDims, int64_t base,
                      const std::vector<int64_t>& strides)
{
    Output out(ctx, src.dtype(), std::move(outDims), Output::Fill::Overwritten);
    if (out.numel() == 0)
        return out.finish();
    const auto& dims = out.dims();
    const std::size_t rank = dims.size();
    const int64_t rowLength = rank ? dims[rank - 1] : 1;
    const int64_t step = rank ? strides[rank - 1] : 0;
    const std::size_t esize = dtypeSize(src.dtype());
    // A transpose: the last output axis walks the input with a stride, and another axis walks it
    // contiguously. Copy the plane of those two axes in tiles, for every index of the others.
    if (rank >= 2 && step != 1 && src.dtype() != dtype::String) {
        std::size_t k = rank - 1;
        for (std::size_t a = 0; a + 1 < rank; ++a)
            if (strides[a] == 1 && dims[a] > 1)
                k = a;
        if (k != rank - 1) {
            std::vector<int64_t> outStrides(rank, 1);
            for (std::size_t a = rank - 1; a-- > 0;)
                outStrides[a] = outStrides[a + 1] * dims[a + 1];
            std::vector<int64_t> rest = dims;
            rest[k] = 1;
            rest[rank - 1] = 1;
            uint8_t* o = out.data<uint8_t>();
            const uint8_t* in = src.bytes().data();
            bool done = true;
            for (IndexCounter c(rest); c.valid() && done; c.next()) {
                int64_t inOffset = base, outOffset = 0;
                for (std::size_t a = 0; a < rank; ++a) {
                    inOffset += c[a] * strides[a];
                    outOffset += c[a] * outStrides[a];
                }
                done = transposePlane(o + outOffset * static_cast<int64_t>(esize), outStrides[k],
                                      in + inOffset * static_cast<int64_t>(esize), dims[k], rowLength, step, esize);
            }
            if (done)
                return out.finish();
        }
    }
    const std::vector<int64_t> outer(dims.begin(), dims.end() - (rank ? 1 : 0));
    int64_t dst = 0;
    for (IndexCounter c(outer); c.valid(); c.next()) {
        int64_t offset = base;
        for (std::size_t a = 0; a < outer.size(); ++a)
            offset += c[a] * strides[a];
        if (step == 1) {
            out.copyRun(dst, src, offset, rowLength);
            dst += rowLength;
        } else if (src.dtype() == dtype::String) {
            for (int64_t k = 0; k < rowLength; ++k, offset += step)
                out.copy(dst++, src, offset);
        } else {
            gatherRow(out.data<uint8_t>(), dst, src.bytes().data(), offset, step, rowLength, esize);
            dst += rowLength;
        }
    }
    return out.finish();
}

} // namespace netfold::eval
