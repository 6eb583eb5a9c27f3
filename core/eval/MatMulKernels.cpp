// MatMul (batched, broadcasting, 1-D rules) and Gemm.
#include "eval/Elementwise.h"
#include "eval/Gemm.h"

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

constexpr TypeSet kMatrixTypes = kFloatTypes | typeBit(dtype::Int32) | typeBit(dtype::Int64)
                                 | typeBit(dtype::UInt32) | typeBit(dtype::UInt64);

/// Calls run(T{}) with the type products are computed in: float for float/float16/bfloat16,
/// double for double, uint64_t (wrapping) for integers.
template <class Run> void withMatrixType(int32_t dt, Run&& run)
{
    if (dt == dtype::Double)
        run(double{});
    else if (isFloatType(dt))
        run(float{});
    else
        run(uint64_t{});
}

Outputs matMul(KernelContext& ctx)
{
    ctx.requireType(0, kMatrixTypes);
    ctx.requireSameType(0, 1);
    const Tensor& a = ctx.in(0);
    const Tensor& b = ctx.in(1);
    if (a.rank() == 0 || b.rank() == 0)
        ctx.fail("MatMul needs inputs of rank at least 1, not " + dimsString(a.dims()) + " and " + dimsString(b.dims()));
    std::vector<int64_t> ad = a.dims(), bd = b.dims();
    const bool aVector = ad.size() == 1, bVector = bd.size() == 1;
    if (aVector)
        ad.insert(ad.begin(), 1);
    if (bVector)
        bd.push_back(1);
    const int64_t M = ad[ad.size() - 2], K = ad.back(), N = bd.back();
    if (bd[bd.size() - 2] != K)
        ctx.fail("shapes " + dimsString(a.dims()) + " and " + dimsString(b.dims()) + " cannot be multiplied");
    const std::vector<int64_t> batchA(ad.begin(), ad.end() - 2), batchB(bd.begin(), bd.end() - 2);
    const std::vector<int64_t> batch = ctx.broadcast({batchA, batchB});
    const int64_t batches = product(batch);
    std::vector<int64_t> dims = batch;
    if (!aVector)
        dims.push_back(M);
    if (!bVector)
        dims.push_back(N);
    Output out(ctx, a.dtype(), dims);
    const auto tick = [&ctx](int64_t steps) { ctx.tick(steps); }; // the time cap and Cancel, inside
    withMatrixType(a.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const auto va = readAs<T>(a);
        const auto vb = readAs<T>(b);
        std::vector<T> c(static_cast<std::size_t>(M * N));
        BroadcastIterator it(batch, {batchA, batchB});
        for (int64_t i = 0; i < batches; ++i, it.next()) {
            std::fill(c.begin(), c.end(), T(0));
            gemmAccumulate(M, N, K, va.data() + it.offset(0) * M * K, K, vb.data() + it.offset(1) * K * N, N, c.data(), N,
                           tick);
            out.putAll(c, i * M * N);
        }
    });
    return {out.finish()};
}

/// Row-major copy of a 2-D matrix, transposed when asked.
template <class T> std::vector<T> matrix(const Tensor& t, bool transposed)
{
    auto v = readAs<T>(t);
    if (!transposed)
        return v;
    const int64_t rows = t.dims()[0], cols = t.dims()[1];
    std::vector<T> out(v.size());
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
            out[static_cast<std::size_t>(c * rows + r)] = v[static_cast<std::size_t>(r * cols + c)];
    return out;
}

Outputs gemm(KernelContext& ctx)
{
    ctx.requireType(0, kMatrixTypes);
    ctx.requireSameType(0, 1);
    ctx.requireRank(0, 2);
    ctx.requireRank(1, 2);
    const Tensor& a = ctx.in(0);
    const Tensor& b = ctx.in(1);
    const bool transA = ctx.attrInt("transA", 0) != 0, transB = ctx.attrInt("transB", 0) != 0;
    const int64_t M = a.dims()[transA ? 1 : 0], K = a.dims()[transA ? 0 : 1];
    const int64_t K2 = b.dims()[transB ? 1 : 0], N = b.dims()[transB ? 0 : 1];
    if (K != K2)
        ctx.fail("shapes " + dimsString(a.dims()) + (transA ? "^T" : "") + " and " + dimsString(b.dims())
                 + (transB ? "^T" : "") + " cannot be multiplied");
    const Tensor* c = ctx.opt(2);
    if (c) {
        ctx.requireSameType(0, 2);
        if (!broadcastsTo(c->dims(), {M, N}))
            ctx.fail("C of shape " + dimsString(c->dims()) + " does not broadcast to [" + std::to_string(M) + ","
                     + std::to_string(N) + "]");
    }
    const double alpha = ctx.attrFloat("alpha", 1.0f), beta = ctx.attrFloat("beta", 1.0f);
    Output out(ctx, a.dtype(), {M, N});
    const auto tick = [&ctx](int64_t steps) { ctx.tick(steps); }; // the time cap and Cancel, inside
    withMatrixType(a.dtype(), [&](auto tag) {
        using T = decltype(tag);
        std::vector<T> y(static_cast<std::size_t>(M * N));
        gemmAccumulate(M, N, K, matrix<T>(a, transA).data(), K, matrix<T>(b, transB).data(), N, y.data(), N, tick);
        const auto vc = c ? readAs<T>(*c) : std::vector<T>{};
        const bool plain = alpha == 1.0 && (beta == 1.0 || !c);
        BroadcastIterator it({M, N}, {c ? c->dims() : std::vector<int64_t>{}});
        const bool isSigned = !isUnsignedType(a.dtype());
        const auto number = [isSigned](T v) {
            (void)isSigned; // read only for integer T
            if constexpr (std::is_integral_v<T>)
                return isSigned ? double(static_cast<int64_t>(v)) : double(v);
            else
                return double(v);
        };
        for (std::size_t i = 0; i < y.size(); ++i, it.next()) {
            const T cv = c ? vc[static_cast<std::size_t>(it.offset(0))] : T(0);
            if constexpr (std::is_floating_point_v<T>)
                out.setDouble(int64_t(i), static_cast<T>(alpha * y[i] + beta * cv));
            else if (plain)
                out.put(int64_t(i), wrapAdd(y[i], cv));
            else
                out.setDouble(int64_t(i), alpha * number(y[i]) + beta * number(cv));
        }
    });
    return {out.finish()};
}

} // namespace

void registerMatMulKernels(KernelTable& table)
{
    table["MatMul"] = matMul;
    table["Gemm"] = gemm;
}

} // namespace netfold::eval
