// The ai.onnx ops netfold deliberately has no kernel for, with the reason. tests/tst_kernel_coverage.cpp
// checks that every op of ONNX 1.12's opsets 1-17 has a kernel or an entry here, and that README.md's
// "Kernel coverage" section lists exactly these.
#include "eval/Evaluator.h"

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
        {"Optional", "optional values (the evaluator carries tensors only)"},
        {"OptionalGetElement", "optional values (the evaluator carries tensors only)"},
        {"OptionalHasElement", "optional values (the evaluator carries tensors only)"},
        {"ConcatFromSequence", "sequence values (the evaluator carries tensors only)"},
        {"SequenceAt", "sequence values (the evaluator carries tensors only)"},
        {"SequenceConstruct", "sequence values (the evaluator carries tensors only)"},
        {"SequenceEmpty", "sequence values (the evaluator carries tensors only)"},
        {"SequenceErase", "sequence values (the evaluator carries tensors only)"},
        {"SequenceInsert", "sequence values (the evaluator carries tensors only)"},
        {"SequenceLength", "sequence values (the evaluator carries tensors only)"},
        {"SequenceMap", "sequence values (the evaluator carries tensors only)"},
        {"SplitToSequence", "sequence values (the evaluator carries tensors only)"},
        {"StringNormalizer", "string op; its case folding depends on the locale"},
        {"TfIdfVectorizer", "n-gram text featurizer (strings or token ids); not implemented"},
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
