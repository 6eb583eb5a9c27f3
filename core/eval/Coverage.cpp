// The ai.onnx ops netfold deliberately has no kernel for, with the reason. tests/tst_kernel_coverage.cpp
// checks that every op of ONNX 1.12's opsets 1-17 has a kernel or an entry here, and that README.md's
// "Kernel coverage" section lists exactly these.
#include "Evaluator.h"

namespace netfold {

const std::vector<std::pair<std::string, std::string>>& opsWithoutKernel()
{
    static const std::vector<std::pair<std::string, std::string>> table = {
        {"Bernoulli", "random output"},
        {"Multinomial", "random output"},
        {"RandomNormal", "random output"},
        {"RandomNormalLike", "random output"},
        {"RandomUniform", "random output"},
        {"RandomUniformLike", "random output"},
        {"Optional", "optional values (the evaluator's values are tensors and sequences)"},
        {"OptionalGetElement", "optional values (the evaluator's values are tensors and sequences)"},
        {"OptionalHasElement", "optional values (the evaluator's values are tensors and sequences)"},
        {"StringNormalizer", "string op (locale-dependent case folding)"},
        {"TfIdfVectorizer", "text feature extraction (string and n-gram op)"},
    };
    return table;
}

std::string noKernelReason(const std::string& opType)
{
    for (const auto& entry : opsWithoutKernel())
        if (entry.first == opType)
            return entry.second;
    return {};
}

} // namespace netfold
