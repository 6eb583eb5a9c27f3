#pragma once
// Internal to core/eval: the plain matrix product behind MatMul, Gemm, Conv and ConvTranspose.
#include <algorithm>
#include <cstdint>

namespace netfold::eval {

/// c[0, n) += a * b[0, n). Written in blocks of 8 so the compiler vectorizes it at -O2.
template <class T> void axpy(T* __restrict c, const T* __restrict b, T a, int64_t n)
{
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int u = 0; u < 8; ++u)
            c[i + u] += a * b[i + u];
    for (; i < n; ++i)
        c[i] += a * b[i];
}

/// c[0, n) += a[0] * rows[0][0, n) + ... + a[3] * rows[3][0, n): four rows per pass over c.
template <class T> void axpy4(T* __restrict c, const T* const* rows, const T* a, int64_t n)
{
    const T* __restrict b0 = rows[0];
    const T* __restrict b1 = rows[1];
    const T* __restrict b2 = rows[2];
    const T* __restrict b3 = rows[3];
    const T a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int u = 0; u < 8; ++u)
            c[i + u] += a0 * b0[i + u] + a1 * b1[i + u] + a2 * b2[i + u] + a3 * b3[i + u];
    for (; i < n; ++i)
        c[i] += a0 * b0[i] + a1 * b1[i] + a2 * b2[i] + a3 * b3[i];
}

/// C[M,N] += A[M,K] * B[K,N], row-major with leading dimensions lda, ldb, ldc. Column blocks keep
/// the rows of B in cache while every row of A passes over them. Integer T must be unsigned (wraps).
/// tick(steps) hears of the multiply-adds after every row of a block: the kernels pass their
/// KernelContext::tick, so that the time cap and Cancel reach into one long product (its work
/// grows with K, which the size of the output does not bound).
template <class T, class Tick>
void gemmAccumulate(int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, const T* B, int64_t ldb, T* C, int64_t ldc,
                    const Tick& tick)
{
    constexpr int64_t kBlock = 512;
    for (int64_t n0 = 0; n0 < N; n0 += kBlock) {
        const int64_t nb = std::min(kBlock, N - n0);
        for (int64_t m = 0; m < M; ++m) {
            T* c = C + m * ldc + n0;
            const T* a = A + m * lda;
            int64_t k = 0;
            for (; k + 4 <= K; k += 4) {
                const T* rows[4] = {B + k * ldb + n0, B + (k + 1) * ldb + n0, B + (k + 2) * ldb + n0,
                                    B + (k + 3) * ldb + n0};
                axpy4(c, rows, a + k, nb);
            }
            for (; k < K; ++k)
                axpy(c, B + k * ldb + n0, a[k], nb);
            tick(nb * K);
        }
    }
}

} // namespace netfold::eval
