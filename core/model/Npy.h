#pragma once
#include "model/Tensor.h"

#include <ostream>
#include <string>

namespace netfold {

/// The NPY dtype descriptor writeNpy uses for a tensor dtype ("<f4", "<f2", "|b1", "|u1" ...):
/// bfloat16 has no numpy type and is widened to "<f4"; strings become "<U<n>" (UTF-32, n the
/// longest string in code points). "" when the dtype cannot be saved (complex, unknown).
std::string npyDescr(const Tensor& tensor);

/// Writes the tensor in NPY format 1.0 (C order, little-endian). Decodes the tensor; throws Error
/// when it cannot be decoded or saved.
void writeNpy(const Tensor& tensor, std::ostream& out);

/// Writes the tensor to an .npy file; throws Error naming the file on failure.
void saveNpy(const Tensor& tensor, const std::string& path);

} // namespace netfold
