#pragma once
// The harness shared by tst_eval_ort and tst_eval_ort2: cases (one-node models or model files),
// random inputs from fixed seeds, netfold's results (evaluateNode / evaluateGraph), ONNX Runtime's
// (tests/ort/eval_many.js, one node process for all cases) and the comparison of the two.
//
// Case inputs: "float[2,3]" random, optionally with a modifier for the values:
//   floats: "~pos" [0.1, 3), "~small" [-0.5, 0.5), "~unit" [-0.95, 0.95), "~01" [0, 1), "~int" whole
//           numbers in [-3, 3], "~big" [-100, 100), "~ge1" [1, 4), none [-2, 2);
//   integers: "~pos" [1, 5] (unsigned [1, 10]), "~nz" not 0, "~full" the whole range of an 8-bit
//           type ([-1000, 1000] for wider ones), none [-5, 5] (unsigned [0, 10]);
// a literal "int64[2]{0,-1}" (stored as an initializer), or "" (an omitted input). Attributes as in
// tst_eval_support.h, plus name=strings:A|B for a list of strings.
#include "tst_eval_support.h"

#include "model/Tensor.h"

#include <onnx/onnx_pb.h>

#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <functional>
#include <random>
#include <vector>

namespace netfold::evaltest {

/// One comparison: a one-node model (op, attrs, inputs, outputs) or a model file with random feeds.
struct OrtCase {
    QString name;
    QString op;
    int opset = 17;
    QStringList attrs;
    QStringList inputs;
    QStringList outputs; // "" omits an output
    /// netfold and ONNX Runtime must both reject the node.
    bool bothFail = false;
    /// Model cases: the file, absolute or relative to tests/data.
    QString modelFile;
    double rtol = -1, atol = -1; // < 0: the defaults for the dtype
    /// ONNX Runtime runs the node with these attributes added (netfold infers what they say).
    QStringList ortExtraAttrs;
    /// ONNX Runtime has no batch-first recurrent layers: it runs the layout=0 node between Transposes.
    bool ortLayout0 = false;
    /// Only in tst_eval_ort2's float16/bfloat16 sweep, not run against ONNX Runtime.
    bool sweepOnly = false;
    /// Model cases: the size given to symbolic dims.
    int64_t symbolicDim = 2;
};

/// What netfold made of a case.
struct CaseRun {
    OrtCase spec;
    std::vector<TensorPtr> netfold;
    std::vector<QString> outputNames;
    QString netfoldError;
};

/// Random tensor for a spec like "float[2,3]~pos" (see the file comment).
TensorPtr randomTensor(const QString& spec, std::mt19937& rng);
/// The JSON form of tensors that tests/ort/eval_many.js reads and writes ({dtype, dims, data}).
QJsonObject tensorJson(const Tensor& t);
TensorPtr tensorFromJson(const QJsonObject& o);
/// addAttribute, plus name=strings:A|B.
void addAttr(onnx::NodeProto& node, const QString& spec);
/// A model file: absolute, or relative to tests/data.
QString modelPath(const QString& file);

/// Collects cases; names must be unique (they name the test rows and ONNX Runtime's results).
class CaseList {
public:
    /// A one-node case with outputs out0..out(outputs-1).
    OrtCase& add(const QString& name, const QString& op, int opset, const QStringList& attrs, const QStringList& inputs,
                 int outputs = 1);
    /// A one-node case with named outputs ("" omits one).
    OrtCase& add(const QString& name, const QString& op, int opset, const QStringList& attrs, const QStringList& inputs,
                 const QStringList& outputs);
    /// A case both netfold and ONNX Runtime must reject.
    void failing(const QString& name, const QString& op, int opset, const QStringList& attrs, const QStringList& inputs,
                 int outputs = 1);
    /// A model file (absolute or under tests/data) run on random feeds.
    void model(const QString& name, const QString& file, int64_t symbolicDim = 2);
    std::vector<OrtCase> take() { return std::move(m_cases); }

private:
    std::vector<OrtCase> m_cases;
    QSet<QString> m_names;
};

/// Where the two suites differ on purpose.
struct OrtSuiteOptions {
    /// The random inputs of a case come from std::mt19937(seedBase + k), k its position among the cases
    /// run (seedByName false) or qHash(name) % 100000 (true: a case keeps its inputs when others are added).
    unsigned seedBase = 0;
    bool seedByName = false;
    /// Also count "does not support double" from ONNX Runtime as a missing kernel (a skip, not a failure).
    bool ortMayLackDouble = false;
};

/// Runs cases through netfold and ONNX Runtime and compares them: call run() from initTestCase,
/// addRows() from the compare _data function and compare() from the compare function.
/// NETFOLD_ORT_CASES=substring runs only the cases whose name contains it (for debugging).
class OrtComparison {
public:
    explicit OrtComparison(OrtSuiteOptions options) : m_options(options) {}

    /// The scratch directory (case models, manifest, results).
    QString dir() const { return m_dir.path(); }
    /// Fails (QTest) unless ONNX Runtime for Node.js is installed; else evaluates the cases (all but
    /// sweep-only ones; made by makeCases once the scratch directory exists) with netfold, then in one
    /// ONNX Runtime process.
    void run(const std::function<std::vector<OrtCase>()>& makeCases);
    /// One QTest row per case run, named after it, with column "index".
    void addRows() const;
    /// Compares the current row's case: both failed for bothFail cases, else the same outputs within
    /// tolerance.
    void compare();
    /// Logs how many cases were skipped because ONNX Runtime has no kernel for them.
    void logSkipped() const;

private:
    bool ortLacksKernel(const QString& error) const;

    OrtSuiteOptions m_options;
    QTemporaryDir m_dir;
    std::vector<CaseRun> m_runs;
    QJsonObject m_results;
    int m_skipped = 0;
};

} // namespace netfold::evaltest
