#include "TensorOps.h"

#include "../model/DataType.h"

#include <cstring>

#include "Broadcast.h"
#include "Values.h"

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
    Output out(ctx, first.dtype(), dims);
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
    Output out(ctx, t.dtype(), dims);
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

} // namespace

TensorPtr stridedCopy(const KernelContext& ctx, const Tensor& src, std::vector<int64_t> outDims, int64_t base,
                      const std::vector<int64_t>& strides)
{
    Output out(ctx, src.dtype(), std::move(outDims));
    if (out.numel() == 0)
        return out.finish();
    const auto& dims = out.dims();
    const std::size_t rank = dims.size();
    const int64_t rowLength = rank ? dims[rank - 1] : 1;
    const int64_t step = rank ? strides[rank - 1] : 0;
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
            gatherRow(out.data<uint8_t>(), dst, src.bytes().data(), offset, step, rowLength, dtypeSize(src.dtype()));
            dst += rowLength;
        }
    }
    return out.finish();
}

} // namespace netfold::eval
