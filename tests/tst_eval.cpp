// Reference kernels (core/eval): hand-checked cases per kernel, error messages, size limits and
// whole-graph evaluation (If, Loop, Scan, outer-scope values).
#include "ModelBuilder.h"
#include "TestSupport.h"
#include "tst_eval_support.h"

#include "eval/Evaluator.h"
#include "model/DataType.h"
#include "util/Error.h"
#include "model/ModelIO.h"
#include "shape/Open.h"

#include <QElapsedTimer>
#include <QtTest>

#include <ctime>
#include <random>

using namespace netfold;
using namespace netfold::test;
using namespace netfold::evaltest;

namespace {

/// CPU time of the calling thread in ms (timings that other processes on the machine do not inflate).
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

/// Runs one node on literal inputs; returns its outputs.
std::vector<TensorPtr> runNode(const QString& op, int opset, const QStringList& attrs, const QStringList& inputs,
                               int outputs, const EvalOptions& options = {}, const QString& name = "n")
{
    std::vector<TensorPtr> values;
    std::vector<bool> present;
    for (const auto& spec : inputs) {
        values.push_back(parseTensor(spec));
        present.push_back(values.back() != nullptr);
    }
    return evaluateNode(makeNode(op, attrs, present, outputs, name), values, opset, options);
}

/// The Error message of evaluating a node, or "" when it succeeds.
QString errorOf(const QString& op, int opset, const QStringList& attrs, const QStringList& inputs, int outputs = 1,
                const EvalOptions& options = {}, const QString& name = "n")
{
    try {
        runNode(op, opset, attrs, inputs, outputs, options, name);
    } catch (const Error& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

void addColumns()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<int>("opset");
    QTest::addColumn<QStringList>("attrs");
    QTest::addColumn<QStringList>("inputs");
    QTest::addColumn<QStringList>("expected");
}

void row(const char* name, const QString& op, int opset, const QStringList& attrs, const QStringList& inputs,
         const QStringList& expected)
{
    QTest::newRow(name) << op << opset << attrs << inputs << expected;
}

/// Checks the current data row: every expected output matches ("" expects an omitted output).
void checkRow()
{
    QFETCH(QString, op);
    QFETCH(int, opset);
    QFETCH(QStringList, attrs);
    QFETCH(QStringList, inputs);
    QFETCH(QStringList, expected);
    std::vector<TensorPtr> outputs;
    try {
        outputs = runNode(op, opset, attrs, inputs, int(expected.size()));
    } catch (const Error& e) {
        QFAIL(e.what());
    }
    QCOMPARE(outputs.size(), std::size_t(expected.size()));
    for (int i = 0; i < expected.size(); ++i) {
        const TensorPtr want = parseTensor(expected[i]);
        if (!want) {
            QVERIFY(!outputs[std::size_t(i)]);
            continue;
        }
        QVERIFY2(outputs[std::size_t(i)], qPrintable("output " + QString::number(i) + " is missing"));
        const QString diff = compareTensors(*want, *outputs[std::size_t(i)], 1e-6, 1e-7);
        QVERIFY2(diff.isEmpty(), qPrintable("output " + QString::number(i) + ": " + diff));
    }
}

} // namespace

class TestEval : public QObject {
    Q_OBJECT
private slots:
    void arithmetic_data();
    void arithmetic() { checkRow(); }
    void unary_data();
    void unary() { checkRow(); }
    void compareLogic_data();
    void compareLogic() { checkRow(); }
    void matrix_data();
    void matrix() { checkRow(); }
    void shapeOps_data();
    void shapeOps() { checkRow(); }
    void dataMovement_data();
    void dataMovement() { checkRow(); }
    void indexing_data();
    void indexing() { checkRow(); }
    void generators_data();
    void generators() { checkRow(); }
    void castWhere_data();
    void castWhere() { checkRow(); }
    void reductions_data();
    void reductions() { checkRow(); }
    void network_data();
    void network() { checkRow(); }
    void errors_data();
    void errors();
    void errorMessageFormat();
    void outputLimit_data();
    void outputLimit();
    void noKernel_data();
    void noKernel();
    void supportedOps();
    void missingKernels();
    void ifModel();
    void loopModel();
    void loopZeroIterations();
    void scanCumulativeSum();
    void ifWithOuterScope();
    void graphFeedErrors();
    void convSpeed();
};

void TestEval::arithmetic_data()
{
    addColumns();
    row("Add broadcast", "Add", 14, {}, {"float[2,3]{1,2,3,4,5,6}", "float[3]{10,20,30}"},
        {"float[2,3]{11,22,33,14,25,36}"});
    row("Add int32 wraps", "Add", 14, {}, {"int32[1]{2147483647}", "int32[1]{1}"}, {"int32[1]{-2147483648}"});
    row("Add uint8 wraps", "Add", 14, {}, {"uint8[2]{250,3}", "uint8[]{10}"}, {"uint8[2]{4,13}"});
    row("Add uint64 wraps", "Add", 14, {}, {"uint64[1]{18446744073709551615}", "uint64[1]{1}"}, {"uint64[1]{0}"});
    row("Add empty", "Add", 14, {}, {"float[0,3]{}", "float[3]{1,2,3}"}, {"float[0,3]{}"});
    row("Add float16", "Add", 14, {}, {"float16[2]{1.5,2.25}", "float16[2]{0.25,-1}"}, {"float16[2]{1.75,1.25}"});
    row("Add bfloat16", "Add", 14, {}, {"bfloat16[1]{1}", "bfloat16[1]{0.5}"}, {"bfloat16[1]{1.5}"});
    row("Add float32 rounds", "Add", 14, {}, {"float[1]{16777216}", "float[1]{1}"}, {"float[1]{16777216}"});
    row("Sub int64 scalar", "Sub", 14, {}, {"int64[3]{5,6,7}", "int64[]{10}"}, {"int64[3]{-5,-4,-3}"});
    row("Sub int8 wraps", "Sub", 14, {}, {"int8[1]{-128}", "int8[1]{1}"}, {"int8[1]{127}"});
    row("Mul double outer", "Mul", 14, {}, {"double[2,1]{2,3}", "double[1,2]{4,5}"}, {"double[2,2]{8,10,12,15}"});
    row("Mul int16", "Mul", 14, {}, {"int16[2]{300,-3}", "int16[2]{300,7}"}, {"int16[2]{24464,-21}"});
    row("Div int truncates", "Div", 14, {}, {"int32[4]{7,-7,7,-7}", "int32[4]{2,2,-2,-2}"}, {"int32[4]{3,-3,-3,3}"});
    row("Div float by zero", "Div", 14, {}, {"float[3]{1,-1,0}", "float[3]{0,0,0}"}, {"float[3]{inf,-inf,nan}"});
    row("Div uint64 large", "Div", 14, {}, {"uint64[1]{18446744073709551614}", "uint64[1]{2}"},
        {"uint64[1]{9223372036854775807}"});
    row("Div int64 min by -1", "Div", 14, {}, {"int64[1]{-9223372036854775808}", "int64[1]{-1}"},
        {"int64[1]{-9223372036854775808}"});
    row("Mod sign of divisor", "Mod", 13, {}, {"int32[4]{7,-7,7,-7}", "int32[4]{3,3,-3,-3}"}, {"int32[4]{1,2,-2,-1}"});
    row("Mod fmod int", "Mod", 13, {"fmod=1"}, {"int32[4]{7,-7,7,-7}", "int32[4]{3,3,-3,-3}"},
        {"int32[4]{1,-1,1,-1}"});
    row("Mod fmod float", "Mod", 13, {"fmod=1"}, {"float[2]{5.5,-5.5}", "float[2]{2,2}"}, {"float[2]{1.5,-1.5}"});
    row("Mod uint8", "Mod", 13, {}, {"uint8[2]{200,7}", "uint8[2]{7,200}"}, {"uint8[2]{4,7}"});
    row("Pow float", "Pow", 15, {}, {"float[3]{2,4,9}", "float[]{0.5}"}, {"float[3]{1.41421356,2,3}"});
    row("Pow int exact", "Pow", 15, {}, {"int64[3]{2,3,-2}", "int64[3]{10,3,3}"}, {"int64[3]{1024,27,-8}"});
    row("Pow int base float exponent", "Pow", 15, {}, {"int32[2]{4,9}", "float[]{0.5}"}, {"int32[2]{2,3}"});
    row("Pow float base int exponent", "Pow", 15, {}, {"float[2]{2,-3}", "int64[]{2}"}, {"float[2]{4,9}"});
    row("Min variadic", "Min", 13, {}, {"float[2]{1,5}", "float[]{3}", "float[2]{0,10}"}, {"float[2]{0,3}"});
    row("Min single", "Min", 13, {}, {"float[2]{1,5}"}, {"float[2]{1,5}"});
    row("Max int32", "Max", 13, {}, {"int32[2]{1,5}", "int32[2]{3,2}"}, {"int32[2]{3,5}"});
    row("Max NaN propagates", "Max", 13, {}, {"float[2]{nan,1}", "float[2]{1,2}"}, {"float[2]{nan,2}"});
    row("Max uint64", "Max", 13, {}, {"uint64[1]{18446744073709551615}", "uint64[1]{1}"},
        {"uint64[1]{18446744073709551615}"});
    row("Sum three", "Sum", 13, {}, {"float[2]{1,2}", "float[2]{3,4}", "float[1]{10}"}, {"float[2]{14,16}"});
    row("Mean", "Mean", 13, {}, {"float[2]{1,2}", "float[2]{3,5}"}, {"float[2]{2,3.5}"});
    row("PRelu broadcast slope", "PRelu", 16, {}, {"float[2,2]{-1,2,-3,4}", "float[2]{0.5,0.25}"},
        {"float[2,2]{-0.5,2,-1.5,4}"});
    row("BitShift left uint8", "BitShift", 11, {"direction='LEFT'"}, {"uint8[2]{1,200}", "uint8[2]{3,1}"},
        {"uint8[2]{8,144}"});
    row("BitShift right", "BitShift", 11, {"direction='RIGHT'"}, {"uint32[2]{256,7}", "uint32[]{4}"},
        {"uint32[2]{16,0}"});
    row("BitwiseAnd int", "BitwiseAnd", 18, {}, {"int32[2]{12,-1}", "int32[2]{10,5}"}, {"int32[2]{8,5}"});
}

void TestEval::unary_data()
{
    addColumns();
    row("Neg int8", "Neg", 13, {}, {"int8[3]{-128,0,5}"}, {"int8[3]{-128,0,-5}"});
    row("Neg float", "Neg", 13, {}, {"float[2]{1.5,-0}"}, {"float[2]{-1.5,0}"});
    row("Abs int16", "Abs", 13, {}, {"int16[3]{-3,0,4}"}, {"int16[3]{3,0,4}"});
    row("Abs float", "Abs", 13, {}, {"float[2]{-1.5,2}"}, {"float[2]{1.5,2}"});
    row("Abs uint32", "Abs", 13, {}, {"uint32[1]{4000000000}"}, {"uint32[1]{4000000000}"});
    row("Sqrt", "Sqrt", 13, {}, {"float[3]{4,2,-1}"}, {"float[3]{2,1.41421356,nan}"});
    row("Reciprocal", "Reciprocal", 13, {}, {"float[3]{4,-0.5,0}"}, {"float[3]{0.25,-2,inf}"});
    row("Exp", "Exp", 13, {}, {"double[2]{0,1}"}, {"double[2]{1,2.718281828459045}"});
    row("Log", "Log", 13, {}, {"float[3]{1,0,-1}"}, {"float[3]{0,-inf,nan}"});
    row("Floor", "Floor", 13, {}, {"float[4]{-1.5,-0.5,0.5,1.5}"}, {"float[4]{-2,-1,0,1}"});
    row("Ceil", "Ceil", 13, {}, {"float[4]{-1.5,-0.5,0.5,1.5}"}, {"float[4]{-1,0,1,2}"});
    row("Round half to even", "Round", 11, {}, {"float[7]{0.5,1.5,2.5,-0.5,-1.5,2.4,-2.6}"},
        {"float[7]{0,2,2,0,-2,2,-3}"});
    row("Round float16", "Round", 11, {}, {"float16[2]{2.5,3.5}"}, {"float16[2]{2,4}"});
    row("Relu float", "Relu", 14, {}, {"float[3]{-1,0,2}"}, {"float[3]{0,0,2}"});
    row("Relu int8 (opset 14)", "Relu", 14, {}, {"int8[2]{-3,3}"}, {"int8[2]{0,3}"});
    row("LeakyRelu", "LeakyRelu", 16, {"alpha=0.1"}, {"float[2]{-10,5}"}, {"float[2]{-1,5}"});
    row("LeakyRelu default alpha", "LeakyRelu", 16, {}, {"float[1]{-100}"}, {"float[1]{-1}"});
    row("Sigmoid", "Sigmoid", 13, {}, {"float[3]{0,2,-2}"}, {"float[3]{0.5,0.880797078,0.119202922}"});
    row("Sigmoid extreme", "Sigmoid", 13, {}, {"double[2]{-1000,1000}"}, {"double[2]{0,1}"});
    row("Tanh", "Tanh", 13, {}, {"float[2]{0,1}"}, {"float[2]{0,0.761594156}"});
    row("Erf", "Erf", 13, {}, {"float[3]{0,1,-0.5}"}, {"float[3]{0,0.842700793,-0.520499878}"});
    row("Sign float", "Sign", 13, {}, {"float[3]{-2,0,3}"}, {"float[3]{-1,0,1}"});
    row("Sign int32", "Sign", 13, {}, {"int32[3]{-5,0,7}"}, {"int32[3]{-1,0,1}"});
    row("HardSigmoid", "HardSigmoid", 6, {}, {"float[3]{-3,0,3}"}, {"float[3]{0,0.5,1}"});
    row("HardSigmoid attrs", "HardSigmoid", 6, {"alpha=0.5", "beta=0.25"}, {"float[2]{0.5,-0.25}"},
        {"float[2]{0.5,0.125}"});
    row("Clip attrs (opset 6)", "Clip", 6, {"min=-1.0", "max=3.0"}, {"float[4]{-2,0,2,5}"}, {"float[4]{-1,0,2,3}"});
    row("Clip inputs (opset 13)", "Clip", 13, {}, {"float[4]{-2,0,2,5}", "float[]{-1}", "float[]{3}"},
        {"float[4]{-1,0,2,3}"});
    row("Clip only max", "Clip", 13, {}, {"float[3]{-2,0,5}", "", "float[]{1}"}, {"float[3]{-2,0,1}"});
    row("Clip no bounds", "Clip", 13, {}, {"float[2]{-2e30,5}"}, {"float[2]{-2e30,5}"});
    row("Clip int32", "Clip", 13, {}, {"int32[3]{-5,0,9}", "int32[]{-1}", "int32[]{4}"}, {"int32[3]{-1,0,4}"});
    row("Clip min above max", "Clip", 13, {}, {"float[2]{0,5}", "float[]{3}", "float[]{1}"}, {"float[2]{1,1}"});
    row("Softmax opset 13 last axis", "Softmax", 13, {}, {"float[2,2]{1,2,3,5}"},
        {"float[2,2]{0.268941421,0.731058579,0.119202922,0.880797078}"});
    row("Softmax opset 11 coerces to 2-D", "Softmax", 11, {}, {"float[1,2,2]{1,2,3,5}"},
        {"float[1,2,2]{0.015219429,0.041370697,0.112457214,0.830952661}"});
    row("Softmax opset 13 axis 1", "Softmax", 13, {"axis=1"}, {"float[1,2,2]{1,2,3,5}"},
        {"float[1,2,2]{0.119202922,0.047425873,0.880797078,0.952574127}"});
    row("Softmax empty", "Softmax", 13, {}, {"float[0,3]{}"}, {"float[0,3]{}"});
    row("LogSoftmax", "LogSoftmax", 13, {}, {"float[2]{1,2}"}, {"float[2]{-1.31326169,-0.31326169}"});
    row("Hardmax", "Hardmax", 13, {}, {"float[2,3]{1,3,2,5,5,0}"}, {"float[2,3]{0,1,0,1,0,0}"});
    row("IsNaN", "IsNaN", 13, {}, {"float[3]{nan,1,inf}"}, {"bool[3]{1,0,0}"});
    row("IsInf negative only", "IsInf", 10, {"detect_positive=0"}, {"float[3]{-inf,inf,1}"}, {"bool[3]{1,0,0}"});
    row("Softplus", "Softplus", 1, {}, {"float[2]{0,100}"}, {"float[2]{0.693147181,100}"});
    row("Elu", "Elu", 6, {}, {"float[2]{-1,2}"}, {"float[2]{-0.632120559,2}"});
}

void TestEval::compareLogic_data()
{
    addColumns();
    row("Equal int broadcast", "Equal", 13, {}, {"int32[3]{1,2,3}", "int32[]{2}"}, {"bool[3]{0,1,0}"});
    row("Equal strings", "Equal", 19, {}, {"string[2]{a,b}", "string[2]{a,c}"}, {"bool[2]{1,0}"});
    row("Equal bool", "Equal", 13, {}, {"bool[2]{1,0}", "bool[2]{1,1}"}, {"bool[2]{1,0}"});
    row("Less NaN", "Less", 13, {}, {"float[3]{1,2,nan}", "float[3]{2,2,1}"}, {"bool[3]{1,0,0}"});
    row("Greater NaN", "Greater", 13, {}, {"float[3]{1,2,nan}", "float[3]{2,2,1}"}, {"bool[3]{0,0,0}"});
    row("LessOrEqual", "LessOrEqual", 16, {}, {"float[3]{1,2,nan}", "float[3]{2,2,1}"}, {"bool[3]{1,1,0}"});
    row("GreaterOrEqual", "GreaterOrEqual", 16, {}, {"float[3]{1,2,nan}", "float[3]{2,2,1}"}, {"bool[3]{0,1,0}"});
    row("Less uint64 unsigned", "Less", 13, {}, {"uint64[1]{18446744073709551615}", "uint64[1]{1}"}, {"bool[1]{0}"});
    row("Less int64 exact", "Less", 13, {}, {"int64[1]{9007199254740993}", "int64[1]{9007199254740992}"},
        {"bool[1]{0}"});
    row("Not", "Not", 1, {}, {"bool[2]{1,0}"}, {"bool[2]{0,1}"});
    row("And", "And", 7, {}, {"bool[4]{0,0,1,1}", "bool[4]{0,1,0,1}"}, {"bool[4]{0,0,0,1}"});
    row("Or", "Or", 7, {}, {"bool[4]{0,0,1,1}", "bool[4]{0,1,0,1}"}, {"bool[4]{0,1,1,1}"});
    row("Xor broadcast", "Xor", 7, {}, {"bool[2,1]{0,1}", "bool[2]{0,1}"}, {"bool[2,2]{0,1,1,0}"});
}

void TestEval::matrix_data()
{
    addColumns();
    row("MatMul 2-D", "MatMul", 13, {}, {"float[2,3]{1,2,3,4,5,6}", "float[3,2]{7,8,9,10,11,12}"},
        {"float[2,2]{58,64,139,154}"});
    row("MatMul 1-D x 2-D", "MatMul", 13, {}, {"float[3]{1,2,3}", "float[3,2]{1,2,3,4,5,6}"}, {"float[2]{22,28}"});
    row("MatMul 2-D x 1-D", "MatMul", 13, {}, {"float[2,3]{1,2,3,4,5,6}", "float[3]{1,1,1}"}, {"float[2]{6,15}"});
    row("MatMul 1-D x 1-D", "MatMul", 13, {}, {"float[3]{1,2,3}", "float[3]{4,5,6}"}, {"float[]{32}"});
    row("MatMul batch broadcast", "MatMul", 13, {}, {"float[2,1,2]{1,2,3,4}", "float[2,1]{1,1}"},
        {"float[2,1,1]{3,7}"});
    row("MatMul batch both", "MatMul", 13, {}, {"float[2,1,1,2]{1,2,3,4}", "float[3,2,1]{1,0,0,1,1,1}"},
        {"float[2,3,1,1]{1,2,3,3,4,7}"});
    row("MatMul int32", "MatMul", 13, {}, {"int32[1,2]{2,3}", "int32[2,1]{4,-5}"}, {"int32[1,1]{-7}"});
    row("MatMul double", "MatMul", 13, {}, {"double[1,2]{0.1,0.2}", "double[2,1]{10,10}"},
        {"double[1,1]{3.0000000000000004}"});
    row("MatMul empty K", "MatMul", 13, {}, {"float[2,0]{}", "float[0,3]{}"}, {"float[2,3]{0,0,0,0,0,0}"});
    row("Gemm alpha beta transB", "Gemm", 13, {"alpha=2.0", "beta=0.5", "transB=1"},
        {"float[2,2]{1,2,3,4}", "float[2,2]{5,6,7,8}", "float[]{1}"}, {"float[2,2]{34.5,46.5,78.5,106.5}"});
    row("Gemm transA C row", "Gemm", 13, {"transA=1"}, {"float[2,2]{1,2,3,4}", "float[2,2]{1,0,0,1}", "float[2]{10,20}"},
        {"float[2,2]{11,23,12,24}"});
    row("Gemm no C", "Gemm", 13, {}, {"float[1,2]{1,2}", "float[2,1]{3,4}"}, {"float[1,1]{11}"});
    row("Gemm int64", "Gemm", 13, {}, {"int64[1,2]{1,2}", "int64[2,1]{3,-4}", "int64[1,1]{100}"},
        {"int64[1,1]{95}"});
}

void TestEval::shapeOps_data()
{
    addColumns();
    row("Shape", "Shape", 13, {}, {"float[2,3,4]{}"}, {"int64[3]{2,3,4}"});
    row("Shape start", "Shape", 15, {"start=1"}, {"float[2,3,0]{}"}, {"int64[2]{3,0}"});
    row("Shape negative start", "Shape", 15, {"start=-1"}, {"float[2,3,4]{}"}, {"int64[1]{4}"});
    row("Shape negative end", "Shape", 15, {"end=-1"}, {"float[2,3,4]{}"}, {"int64[2]{2,3}"});
    row("Shape clamped", "Shape", 15, {"start=5"}, {"float[2,3,4]{}"}, {"int64[0]{}"});
    row("Shape ignores start before 15", "Shape", 13, {"start=1"}, {"float[2,3]{}"}, {"int64[2]{2,3}"});
    row("Shape scalar", "Shape", 13, {}, {"float[]{1}"}, {"int64[0]{}"});
    row("Size", "Size", 13, {}, {"float[2,3]{1,2,3,4,5,6}"}, {"int64[]{6}"});
    row("Reshape -1", "Reshape", 14, {}, {"float[2,3]{1,2,3,4,5,6}", "int64[2]{3,-1}"}, {"float[3,2]{1,2,3,4,5,6}"});
    row("Reshape 0 copies", "Reshape", 14, {}, {"float[2,3]{1,2,3,4,5,6}", "int64[2]{0,3}"},
        {"float[2,3]{1,2,3,4,5,6}"});
    row("Reshape 0 and -1", "Reshape", 14, {}, {"float[2,3,1]{1,2,3,4,5,6}", "int64[2]{0,-1}"},
        {"float[2,3]{1,2,3,4,5,6}"});
    row("Reshape allowzero", "Reshape", 14, {"allowzero=1"}, {"float[0,3]{}", "int64[2]{3,0}"}, {"float[3,0]{}"});
    row("Reshape to scalar", "Reshape", 14, {}, {"float[1,1]{5}", "int64[0]{}"}, {"float[]{5}"});
    row("Reshape opset 1 attr", "Reshape", 1, {"shape=[3,2]"}, {"float[6]{1,2,3,4,5,6}"},
        {"float[3,2]{1,2,3,4,5,6}"});
    row("Reshape strings", "Reshape", 14, {}, {"string[2]{a,b}", "int64[2]{1,2}"}, {"string[1,2]{a,b}"});
    row("Flatten default", "Flatten", 13, {}, {"float[2,1,2]{1,2,3,4}"}, {"float[2,2]{1,2,3,4}"});
    row("Flatten axis 0", "Flatten", 13, {"axis=0"}, {"float[2,2]{1,2,3,4}"}, {"float[1,4]{1,2,3,4}"});
    row("Flatten axis -1", "Flatten", 13, {"axis=-1"}, {"float[2,1,2]{1,2,3,4}"}, {"float[2,2]{1,2,3,4}"});
    row("Flatten axis rank", "Flatten", 13, {"axis=2"}, {"float[2,2]{1,2,3,4}"}, {"float[4,1]{1,2,3,4}"});
    row("Squeeze attr (opset 11)", "Squeeze", 11, {"axes=[0,2]"}, {"float[1,3,1]{1,2,3}"}, {"float[3]{1,2,3}"});
    row("Squeeze input (opset 13)", "Squeeze", 13, {}, {"float[1,3,1]{1,2,3}", "int64[1]{-1}"},
        {"float[1,3]{1,2,3}"});
    row("Squeeze all", "Squeeze", 13, {}, {"float[1,3,1]{1,2,3}"}, {"float[3]{1,2,3}"});
    row("Unsqueeze attr (opset 11)", "Unsqueeze", 11, {"axes=[0,3]"}, {"float[2,1]{1,2}"},
        {"float[1,2,1,1]{1,2}"});
    row("Unsqueeze input (opset 13)", "Unsqueeze", 13, {}, {"float[2,3]{1,2,3,4,5,6}", "int64[2]{-1,0}"},
        {"float[1,2,3,1]{1,2,3,4,5,6}"});
    row("Unsqueeze scalar", "Unsqueeze", 13, {}, {"int64[]{7}", "int64[1]{0}"}, {"int64[1]{7}"});
    row("Identity string", "Identity", 16, {}, {"string[2]{a,b}"}, {"string[2]{a,b}"});
    row("Identity bool", "Identity", 16, {}, {"bool[2]{1,0}"}, {"bool[2]{1,0}"});
}

void TestEval::dataMovement_data()
{
    addColumns();
    row("Expand", "Expand", 13, {}, {"float[2,1]{1,2}", "int64[2]{2,3}"}, {"float[2,3]{1,1,1,2,2,2}"});
    row("Expand smaller shape", "Expand", 13, {}, {"float[2,1]{1,2}", "int64[1]{3}"}, {"float[2,3]{1,1,1,2,2,2}"});
    row("Expand keeps dim for 1", "Expand", 13, {}, {"float[3]{1,2,3}", "int64[2]{2,1}"},
        {"float[2,3]{1,2,3,1,2,3}"});
    row("Expand bool", "Expand", 13, {}, {"bool[1]{1}", "int64[1]{2}"}, {"bool[2]{1,1}"});
    row("Tile 1-D", "Tile", 13, {}, {"float[2]{1,2}", "int64[1]{3}"}, {"float[6]{1,2,1,2,1,2}"});
    row("Tile 2-D", "Tile", 13, {}, {"int32[2,1]{1,2}", "int64[2]{1,2}"}, {"int32[2,2]{1,1,2,2}"});
    row("Tile zero repeats", "Tile", 13, {}, {"float[2]{1,2}", "int64[1]{0}"}, {"float[0]{}"});
    row("Transpose default", "Transpose", 13, {}, {"float[2,3]{1,2,3,4,5,6}"}, {"float[3,2]{1,4,2,5,3,6}"});
    row("Transpose perm", "Transpose", 13, {"perm=[2,0,1]"}, {"float[1,2,3]{1,2,3,4,5,6}"},
        {"float[3,1,2]{1,4,2,5,3,6}"});
    row("Transpose strings", "Transpose", 13, {}, {"string[2,2]{a,b,c,d}"}, {"string[2,2]{a,c,b,d}"});
    row("Concat axis 1", "Concat", 13, {"axis=1"}, {"float[2,1]{1,2}", "float[2,2]{3,4,5,6}"},
        {"float[2,3]{1,3,4,2,5,6}"});
    row("Concat axis -1 with empty", "Concat", 13, {"axis=-1"}, {"float[2,1]{1,2}", "float[2,0]{}"},
        {"float[2,1]{1,2}"});
    row("Concat int64", "Concat", 13, {"axis=0"}, {"int64[1]{1}", "int64[2]{2,3}", "int64[0]{}"},
        {"int64[3]{1,2,3}"});
    row("Split attr (opset 11)", "Split", 11, {"split=[1,2]"}, {"float[3]{1,2,3}"}, {"float[1]{1}", "float[2]{2,3}"});
    row("Split input (opset 13)", "Split", 13, {}, {"float[3]{1,2,3}", "int64[2]{2,1}"},
        {"float[2]{1,2}", "float[1]{3}"});
    row("Split equal", "Split", 13, {"axis=1"}, {"float[1,4]{1,2,3,4}"}, {"float[1,2]{1,2}", "float[1,2]{3,4}"});
    row("Split num_outputs (opset 18)", "Split", 18, {"num_outputs=3"}, {"float[5]{1,2,3,4,5}"},
        {"float[2]{1,2}", "float[2]{3,4}", "float[1]{5}"});
    row("Split zero-size part", "Split", 13, {}, {"float[2]{1,2}", "int64[2]{0,2}"}, {"float[0]{}", "float[2]{1,2}"});
    row("Pad constant (opset 11)", "Pad", 11, {}, {"float[2]{1,2}", "int64[2]{1,2}", "float[]{9}"},
        {"float[5]{9,1,2,9,9}"});
    row("Pad reflect", "Pad", 13, {"mode='reflect'"}, {"float[3]{1,2,3}", "int64[2]{2,2}"},
        {"float[7]{3,2,1,2,3,2,1}"});
    row("Pad edge", "Pad", 13, {"mode='edge'"}, {"float[3]{1,2,3}", "int64[2]{1,2}"}, {"float[6]{1,1,2,3,3,3}"});
    row("Pad attrs (opset 2)", "Pad", 2, {"pads=[1,0]", "value=5.0"}, {"float[1]{7}"}, {"float[2]{5,7}"});
    row("Pad negative crops", "Pad", 13, {}, {"float[4]{1,2,3,4}", "int64[2]{-1,-1}"}, {"float[2]{2,3}"});
    row("Pad 2-D", "Pad", 13, {}, {"float[1,2]{1,2}", "int64[4]{0,1,1,0}"}, {"float[2,3]{0,1,2,0,0,0}"});
    row("Pad axes (opset 18)", "Pad", 18, {}, {"int32[2,1]{1,2}", "int64[2]{1,1}", "int32[]{-1}", "int64[1]{-1}"},
        {"int32[2,3]{-1,1,-1,-1,2,-1}"});
    row("Pad wrap (opset 19)", "Pad", 19, {"mode='wrap'"}, {"float[3]{1,2,3}", "int64[2]{1,2}"},
        {"float[6]{3,1,2,3,1,2}"});
    row("DepthToSpace DCR", "DepthToSpace", 13, {"blocksize=2"}, {"float[1,8,1,1]{0,1,2,3,4,5,6,7}"},
        {"float[1,2,2,2]{0,2,4,6,1,3,5,7}"});
    row("DepthToSpace CRD", "DepthToSpace", 13, {"blocksize=2", "mode='CRD'"}, {"float[1,8,1,1]{0,1,2,3,4,5,6,7}"},
        {"float[1,2,2,2]{0,1,2,3,4,5,6,7}"});
    row("SpaceToDepth", "SpaceToDepth", 13, {"blocksize=2"}, {"float[1,1,2,2]{1,2,3,4}"},
        {"float[1,4,1,1]{1,2,3,4}"});
}

void TestEval::indexing_data()
{
    addColumns();
    row("Slice attrs (opset 9)", "Slice", 9, {"starts=[1]", "ends=[1000]"}, {"float[4]{1,2,3,4}"},
        {"float[3]{2,3,4}"});
    row("Slice reverse", "Slice", 13, {},
        {"float[4]{1,2,3,4}", "int64[1]{-1}", "int64[1]{-1000}", "int64[1]{0}", "int64[1]{-1}"},
        {"float[4]{4,3,2,1}"});
    row("Slice step 2 on axis 1", "Slice", 13, {},
        {"float[2,4]{1,2,3,4,5,6,7,8}", "int64[1]{0}", "int64[1]{4}", "int64[1]{1}", "int64[1]{2}"},
        {"float[2,2]{1,3,5,7}"});
    row("Slice beyond end", "Slice", 13, {}, {"float[4]{1,2,3,4}", "int64[1]{10}", "int64[1]{20}"}, {"float[0]{}"});
    row("Slice int64 max end", "Slice", 13, {},
        {"float[4]{1,2,3,4}", "int64[1]{-2}", "int64[1]{9223372036854775807}"}, {"float[2]{3,4}"});
    row("Slice negative step clamps", "Slice", 13, {},
        {"float[4]{1,2,3,4}", "int64[1]{10}", "int64[1]{0}", "int64[1]{0}", "int64[1]{-2}"}, {"float[2]{4,2}"});
    row("Slice int32 args", "Slice", 13, {}, {"float[3]{1,2,3}", "int32[1]{1}", "int32[1]{2}"}, {"float[1]{2}"});
    // Steps taken once: their size must not reach step * stride (UBSan overflow before).
    row("Slice step int64 max", "Slice", 13, {},
        {"float[2,3]{1,2,3,4,5,6}", "int64[1]{0}", "int64[1]{2}", "int64[1]{0}", "int64[1]{9223372036854775807}"},
        {"float[1,3]{1,2,3}"});
    row("Slice step int64 min", "Slice", 13, {},
        {"float[2,3]{1,2,3,4,5,6}", "int64[1]{-1}", "int64[1]{-1000}", "int64[1]{0}", "int64[1]{-9223372036854775808}"},
        {"float[1,3]{4,5,6}"});
    row("Gather axis 0", "Gather", 13, {}, {"float[3,2]{1,2,3,4,5,6}", "int64[2]{2,-3}"}, {"float[2,2]{5,6,1,2}"});
    row("Gather scalar index axis 1", "Gather", 13, {"axis=1"}, {"float[2,3]{1,2,3,4,5,6}", "int32[]{1}"},
        {"float[2]{2,5}"});
    row("Gather 2-D indices", "Gather", 13, {}, {"int64[3]{10,20,30}", "int64[2,2]{0,1,2,0}"},
        {"int64[2,2]{10,20,30,10}"});
    row("Gather strings", "Gather", 13, {}, {"string[3]{a,b,c}", "int64[1]{2}"}, {"string[1]{c}"});
    row("GatherElements axis 1", "GatherElements", 13, {"axis=1"}, {"float[2,2]{1,2,3,4}", "int64[2,2]{0,0,1,0}"},
        {"float[2,2]{1,1,4,3}"});
    row("GatherElements negative", "GatherElements", 13, {}, {"float[2,2]{1,2,3,4}", "int32[1,2]{-1,0}"},
        {"float[1,2]{3,2}"});
    row("GatherND elements", "GatherND", 13, {}, {"float[2,2]{1,2,3,4}", "int64[2,2]{0,0,1,1}"}, {"float[2]{1,4}"});
    row("GatherND rows", "GatherND", 13, {}, {"float[2,2]{1,2,3,4}", "int64[2,1]{1,0}"}, {"float[2,2]{3,4,1,2}"});
    row("GatherND batch_dims", "GatherND", 13, {"batch_dims=1"}, {"float[2,2]{1,2,3,4}", "int64[2,1]{1,0}"},
        {"float[2]{2,3}"});
    row("ScatterND", "ScatterND", 13, {}, {"float[4]{1,2,3,4}", "int64[2,1]{1,3}", "float[2]{10,20}"},
        {"float[4]{1,10,3,20}"});
    row("ScatterND add (opset 16)", "ScatterND", 16, {"reduction='add'"},
        {"float[4]{1,2,3,4}", "int64[2,1]{1,1}", "float[2]{10,20}"}, {"float[4]{1,32,3,4}"});
    row("ScatterND max (opset 18)", "ScatterND", 18, {"reduction='max'"},
        {"int32[3]{5,5,5}", "int64[2,1]{0,2}", "int32[2]{1,9}"}, {"int32[3]{5,5,9}"});
    row("ScatterND rows", "ScatterND", 13, {}, {"float[2,2]{1,2,3,4}", "int64[1,1]{1}", "float[1,2]{7,8}"},
        {"float[2,2]{1,2,7,8}"});
    row("ScatterElements axis 1", "ScatterElements", 13, {"axis=1"},
        {"float[2,3]{0,0,0,0,0,0}", "int64[2,1]{2,-3}", "float[2,1]{5,6}"}, {"float[2,3]{0,0,5,6,0,0}"});
    row("ScatterElements mul", "ScatterElements", 16, {"reduction='mul'"},
        {"float[3]{1,2,3}", "int64[2]{1,1}", "float[2]{3,4}"}, {"float[3]{1,24,3}"});
    row("Scatter (opset 9)", "Scatter", 9, {}, {"float[3]{1,2,3}", "int64[1]{0}", "float[1]{9}"}, {"float[3]{9,2,3}"});
    row("NonZero", "NonZero", 13, {}, {"int32[2,2]{1,0,0,3}"}, {"int64[2,2]{0,1,0,1}"});
    row("NonZero none", "NonZero", 13, {}, {"float[3]{0,0,0}"}, {"int64[1,0]{}"});
    row("NonZero bool", "NonZero", 13, {}, {"bool[3]{0,1,1}"}, {"int64[1,2]{1,2}"});
    row("Trilu upper", "Trilu", 14, {}, {"float[3,3]{1,2,3,4,5,6,7,8,9}"}, {"float[3,3]{1,2,3,0,5,6,0,0,9}"});
    row("Trilu lower k=-1", "Trilu", 14, {"upper=0"}, {"float[3,3]{1,2,3,4,5,6,7,8,9}", "int64[]{-1}"},
        {"float[3,3]{0,0,0,4,0,0,7,8,0}"});
    row("CumSum", "CumSum", 14, {}, {"float[3]{1,2,3}", "int64[]{0}"}, {"float[3]{1,3,6}"});
    row("CumSum exclusive", "CumSum", 14, {"exclusive=1"}, {"int32[3]{1,2,3}", "int32[]{0}"}, {"int32[3]{0,1,3}"});
    row("CumSum reverse axis 1", "CumSum", 14, {"reverse=1"}, {"float[1,3]{1,2,3}", "int64[]{-1}"},
        {"float[1,3]{6,5,3}"});
    row("OneHot", "OneHot", 11, {}, {"int64[2]{0,-1}", "int64[]{3}", "float[2]{0,1}"},
        {"float[2,3]{1,0,0,0,0,1}"});
    row("OneHot axis 0", "OneHot", 11, {"axis=0"}, {"int64[2]{1,5}", "float[]{3}", "int32[2]{-1,7}"},
        {"int32[3,2]{-1,-1,7,-1,-1,-1}"});
    row("TopK largest", "TopK", 11, {}, {"float[4]{3,1,4,2}", "int64[1]{2}"}, {"float[2]{4,3}", "int64[2]{2,0}"});
    row("TopK smallest axis 0", "TopK", 11, {"largest=0", "axis=0"}, {"float[3,1]{3,1,1}", "int64[1]{2}"},
        {"float[2,1]{1,1}", "int64[2,1]{1,2}"});
}

void TestEval::generators_data()
{
    addColumns();
    row("Range int32", "Range", 11, {}, {"int32[]{1}", "int32[]{10}", "int32[]{3}"}, {"int32[3]{1,4,7}"});
    row("Range float", "Range", 11, {}, {"float[]{0}", "float[]{1}", "float[]{0.25}"}, {"float[4]{0,0.25,0.5,0.75}"});
    row("Range negative delta", "Range", 11, {}, {"int64[]{10}", "int64[]{4}", "int64[]{-3}"}, {"int64[2]{10,7}"});
    row("Range empty", "Range", 11, {}, {"int64[]{5}", "int64[]{1}", "int64[]{1}"}, {"int64[0]{}"});
    row("ConstantOfShape int32", "ConstantOfShape", 9, {"value=tensor:int32[1]{7}"}, {"int64[2]{2,1}"},
        {"int32[2,1]{7,7}"});
    row("ConstantOfShape default", "ConstantOfShape", 9, {}, {"int64[1]{3}"}, {"float[3]{0,0,0}"});
    row("ConstantOfShape scalar", "ConstantOfShape", 9, {"value=tensor:bool[1]{1}"}, {"int64[0]{}"}, {"bool[]{1}"});
    row("ConstantOfShape zero dim", "ConstantOfShape", 9, {}, {"int64[2]{0,5}"}, {"float[0,5]{}"});
    row("Constant value", "Constant", 13, {"value=tensor:float[2]{1,2}"}, {}, {"float[2]{1,2}"});
    row("Constant value_float", "Constant", 13, {"value_float=1.5"}, {}, {"float[]{1.5}"});
    row("Constant value_floats", "Constant", 13, {"value_floats=[1.5,2.5]"}, {}, {"float[2]{1.5,2.5}"});
    row("Constant value_int", "Constant", 13, {"value_int=-4"}, {}, {"int64[]{-4}"});
    row("Constant value_ints", "Constant", 13, {"value_ints=[1,2]"}, {}, {"int64[2]{1,2}"});
    row("Constant value_string", "Constant", 13, {"value_string='hi'"}, {}, {"string[]{hi}"});
    row("EyeLike k", "EyeLike", 9, {"k=1"}, {"float[2,3]{0,0,0,0,0,0}"}, {"float[2,3]{0,1,0,0,0,1}"});
    row("EyeLike dtype", "EyeLike", 9, {"dtype=7"}, {"float[2,2]{0,0,0,0}"}, {"int64[2,2]{1,0,0,1}"});
}

void TestEval::castWhere_data()
{
    addColumns();
    row("Cast float to int32 truncates", "Cast", 13, {"to=6"}, {"float[4]{1.7,-1.7,300,nan}"},
        {"int32[4]{1,-1,300,0}"});
    row("Cast float to uint8 wraps", "Cast", 13, {"to=2"}, {"float[3]{300,-1.7,255.9}"}, {"uint8[3]{44,255,255}"});
    row("Cast double to uint64 large", "Cast", 13, {"to=13"}, {"double[3]{1e19,-1,1e30}"},
        {"uint64[3]{10000000000000000000,18446744073709551615,18446744073709551615}"});
    row("Cast int64 to bool", "Cast", 13, {"to=9"}, {"int64[3]{0,5,-1}"}, {"bool[3]{0,1,1}"});
    row("Cast bool to float", "Cast", 13, {"to=1"}, {"bool[2]{1,0}"}, {"float[2]{1,0}"});
    row("Cast float to float16", "Cast", 13, {"to=10"}, {"float[3]{0.1,65520,1e-8}"}, {"float16[3]{0.1,inf,0}"});
    row("Cast float16 to float", "Cast", 13, {"to=1"}, {"float16[1]{0.1}"}, {"float[1]{0.0999755859375}"});
    row("Cast float to bfloat16", "Cast", 13, {"to=16"}, {"float[1]{1.00390625}"}, {"bfloat16[1]{1}"});
    row("Cast int32 to int8 wraps", "Cast", 13, {"to=3"}, {"int32[2]{300,-129}"}, {"int8[2]{44,127}"});
    row("Cast int64 to float exact", "Cast", 13, {"to=1"}, {"int64[1]{16777217}"}, {"float[1]{16777216}"});
    row("Cast uint64 to double", "Cast", 13, {"to=11"}, {"uint64[1]{18446744073709551615}"},
        {"double[1]{18446744073709551616}"});
    row("Cast double to int64", "Cast", 13, {"to=7"}, {"double[2]{-2.5,1e30}"},
        {"int64[2]{-2,9223372036854775807}"});
    row("Cast empty", "Cast", 13, {"to=7"}, {"float[0,2]{}"}, {"int64[0,2]{}"});
    row("Cast string to string", "Cast", 13, {"to=8"}, {"string[1]{x}"}, {"string[1]{x}"});
    row("CastLike", "CastLike", 15, {}, {"int32[2]{1,2}", "float[1]{0}"}, {"float[2]{1,2}"});
    row("Where broadcast", "Where", 16, {}, {"bool[2]{1,0}", "float[2]{1,2}", "float[]{9}"}, {"float[2]{1,9}"});
    row("Where 2-D", "Where", 16, {}, {"bool[2,1]{1,0}", "int64[2]{1,2}", "int64[2]{3,4}"},
        {"int64[2,2]{1,2,3,4}"});
    row("Where strings", "Where", 16, {}, {"bool[2]{0,1}", "string[2]{a,b}", "string[2]{c,d}"}, {"string[2]{c,b}"});
}

void TestEval::reductions_data()
{
    addColumns();
    row("ReduceSum attr axes (opset 11)", "ReduceSum", 11, {"axes=[1]", "keepdims=0"}, {"float[2,3]{1,2,3,4,5,6}"},
        {"float[2]{6,15}"});
    row("ReduceSum input axes (opset 13)", "ReduceSum", 13, {}, {"float[2,3]{1,2,3,4,5,6}", "int64[1]{0}"},
        {"float[1,3]{5,7,9}"});
    row("ReduceSum all", "ReduceSum", 13, {}, {"float[2,3]{1,2,3,4,5,6}"}, {"float[1,1]{21}"});
    row("ReduceSum noop_with_empty_axes", "ReduceSum", 13, {"noop_with_empty_axes=1"}, {"float[2]{1,2}"},
        {"float[2]{1,2}"});
    row("ReduceSumSquare noop squares", "ReduceSumSquare", 18, {"noop_with_empty_axes=1"}, {"float[2]{-2,3}"},
        {"float[2]{4,9}"});
    row("ReduceSum empty axes input", "ReduceSum", 13, {}, {"float[2]{1,2}", "int64[0]{}"}, {"float[1]{3}"});
    row("ReduceSum empty set", "ReduceSum", 11, {"axes=[0]", "keepdims=0"}, {"float[0,3]{}"}, {"float[3]{0,0,0}"});
    row("ReduceSum int32 wraps", "ReduceSum", 13, {"keepdims=0"}, {"int32[2]{2147483647,1}"},
        {"int32[]{-2147483648}"});
    row("ReduceMean input axes (opset 18)", "ReduceMean", 18, {}, {"float[2,3]{1,2,3,4,5,6}", "int64[1]{-1}"},
        {"float[2,1]{2,5}"});
    row("ReduceMean attr axes (opset 13)", "ReduceMean", 13, {"axes=[-1]", "keepdims=0"},
        {"float[2,3]{1,2,3,4,5,6}"}, {"float[2]{2,5}"});
    row("ReduceMean int truncates", "ReduceMean", 13, {"keepdims=0"}, {"int32[2]{1,2}"}, {"int32[]{1}"});
    row("ReduceMax int32", "ReduceMax", 11, {"axes=[1]"}, {"int32[2,2]{1,5,3,2}"}, {"int32[2,1]{5,3}"});
    row("ReduceMin input axes (opset 18)", "ReduceMin", 18, {"keepdims=0"}, {"int64[2,2]{1,5,3,2}", "int64[1]{0}"},
        {"int64[2]{1,2}"});
    row("ReduceMin uint64", "ReduceMin", 13, {"keepdims=0"}, {"uint64[2]{18446744073709551615,3}"}, {"uint64[]{3}"});
    row("ReduceProd", "ReduceProd", 13, {}, {"float[3]{2,3,4}"}, {"float[1]{24}"});
    row("ReduceL1", "ReduceL1", 13, {}, {"float[2]{-1,2}"}, {"float[1]{3}"});
    row("ReduceL2", "ReduceL2", 13, {}, {"float[2]{3,4}"}, {"float[1]{5}"});
    row("ReduceLogSum", "ReduceLogSum", 13, {}, {"float[2]{1,2}"}, {"float[1]{1.09861229}"});
    row("ReduceLogSumExp", "ReduceLogSumExp", 13, {}, {"float[2]{0,0}"}, {"float[1]{0.693147181}"});
    row("ReduceSumSquare", "ReduceSumSquare", 13, {}, {"float[3]{1,2,3}"}, {"float[1]{14}"});
    row("ReduceSumSquare axes input (opset 18)", "ReduceSumSquare", 18, {"keepdims=0"},
        {"float[2,2]{1,2,3,4}", "int64[1]{1}"}, {"float[2]{5,25}"});
    row("ArgMax", "ArgMax", 13, {"axis=1"}, {"float[2,3]{1,3,3,9,2,9}"}, {"int64[2,1]{1,0}"});
    row("ArgMax select_last_index", "ArgMax", 13, {"axis=1", "select_last_index=1"}, {"float[2,3]{1,3,3,9,2,9}"},
        {"int64[2,1]{2,2}"});
    row("ArgMax keepdims 0", "ArgMax", 13, {"axis=-1", "keepdims=0"}, {"int32[2,3]{1,3,3,9,2,9}"},
        {"int64[2]{1,0}"});
    row("ArgMin axis 0", "ArgMin", 13, {}, {"float[2,2]{1,0,0,5}"}, {"int64[1,2]{1,0}"});
}

void TestEval::network_data()
{
    addColumns();
    row("Conv 2x2", "Conv", 11, {}, {"float[1,1,3,3]{1,2,3,4,5,6,7,8,9}", "float[1,1,2,2]{1,1,1,1}"},
        {"float[1,1,2,2]{12,16,24,28}"});
    row("Conv pads strides bias", "Conv", 11, {"pads=[1,1,1,1]", "strides=[2,2]"},
        {"float[1,1,3,3]{1,2,3,4,5,6,7,8,9}", "float[1,1,3,3]{1,1,1,1,1,1,1,1,1}", "float[1]{1}"},
        {"float[1,1,2,2]{13,17,25,29}"});
    row("Conv group", "Conv", 11, {"group=2"}, {"float[1,2,1,1]{2,3}", "float[2,1,1,1]{10,100}"},
        {"float[1,2,1,1]{20,300}"});
    row("Conv SAME_UPPER", "Conv", 11, {"auto_pad='SAME_UPPER'"}, {"float[1,1,4]{1,2,3,4}", "float[1,1,2]{1,1}"},
        {"float[1,1,4]{3,5,7,4}"});
    row("Conv SAME_LOWER", "Conv", 11, {"auto_pad='SAME_LOWER'"}, {"float[1,1,4]{1,2,3,4}", "float[1,1,2]{1,1}"},
        {"float[1,1,4]{1,3,5,7}"});
    row("Conv dilations", "Conv", 11, {"dilations=[2]"}, {"float[1,1,5]{1,2,3,4,5}", "float[1,1,2]{1,1}"},
        {"float[1,1,3]{4,6,8}"});
    row("Conv two channels to two", "Conv", 11, {},
        {"float[1,2,1,2]{1,2,3,4}", "float[2,2,1,1]{1,0,1,1}"}, {"float[1,2,1,2]{1,2,4,6}"});
    row("Conv double", "Conv", 11, {}, {"double[1,1,2]{1,2}", "double[1,1,1]{0.5}"}, {"double[1,1,2]{0.5,1}"});
    row("ConvTranspose", "ConvTranspose", 11, {}, {"float[1,1,2]{1,2}", "float[1,1,2]{1,1}"},
        {"float[1,1,3]{1,3,2}"});
    row("ConvTranspose strides", "ConvTranspose", 11, {"strides=[2]"}, {"float[1,1,2]{1,2}", "float[1,1,2]{1,1}"},
        {"float[1,1,4]{1,1,2,2}"});
    row("ConvTranspose pads bias", "ConvTranspose", 11, {"pads=[1,0]"},
        {"float[1,1,2]{1,2}", "float[1,2,2]{1,1,2,2}", "float[2]{10,20}"}, {"float[1,2,2]{13,12,26,24}"});
    row("MaxPool 2x2", "MaxPool", 12, {"kernel_shape=[2,2]", "strides=[2,2]"},
        {"float[1,1,2,4]{1,2,3,4,5,6,7,8}"}, {"float[1,1,1,2]{6,8}", "int64[1,1,1,2]{5,7}"});
    row("MaxPool ceil_mode", "MaxPool", 12, {"kernel_shape=[2]", "strides=[2]", "ceil_mode=1"},
        {"float[1,1,5]{1,2,3,4,5}"}, {"float[1,1,3]{2,4,5}"});
    row("MaxPool floor", "MaxPool", 12, {"kernel_shape=[2]", "strides=[2]"}, {"float[1,1,5]{1,2,3,4,5}"},
        {"float[1,1,2]{2,4}"});
    row("MaxPool pads", "MaxPool", 12, {"kernel_shape=[3]", "pads=[1,1]"}, {"float[1,1,3]{-1,-2,-3}"},
        {"float[1,1,3]{-1,-1,-2}"});
    // A kernel of 2^61 mostly in the padding: only the positions inside the input are visited
    // (visiting all of them ran for years).
    row("MaxPool kernel far past the input", "MaxPool", 12, {"kernel_shape=[2305843009213693952]",
        "pads=[2305843009213693950,0]"}, {"float[1,1,5]{1,2,3,4,5}"}, {"float[1,1,4]{2,3,4,5}"});
    row("MaxPool int8", "MaxPool", 12, {"kernel_shape=[2]"}, {"int8[1,1,3]{-5,4,-3}"}, {"int8[1,1,2]{4,4}"});
    row("AveragePool pads exclude", "AveragePool", 11, {"kernel_shape=[2]", "pads=[1,1]"}, {"float[1,1,3]{1,2,3}"},
        {"float[1,1,4]{1,1.5,2.5,3}"});
    row("AveragePool pads include", "AveragePool", 11, {"kernel_shape=[2]", "pads=[1,1]", "count_include_pad=1"},
        {"float[1,1,3]{1,2,3}"}, {"float[1,1,4]{0.5,1.5,2.5,1.5}"});
    row("AveragePool 2-D", "AveragePool", 11, {"kernel_shape=[2,2]"}, {"float[1,1,2,3]{1,2,3,4,5,6}"},
        {"float[1,1,1,2]{3,4}"});
    row("GlobalAveragePool", "GlobalAveragePool", 1, {}, {"float[1,2,2]{1,2,3,5}"}, {"float[1,2,1]{1.5,4}"});
    row("GlobalMaxPool", "GlobalMaxPool", 1, {}, {"float[1,2,1,2]{1,2,3,5}"}, {"float[1,2,1,1]{2,5}"});
    row("BatchNormalization", "BatchNormalization", 15, {"epsilon=0.0"},
        {"float[1,2,1]{1,2}", "float[2]{2,3}", "float[2]{0.5,1}", "float[2]{1,0}", "float[2]{4,1}"},
        {"float[1,2,1]{0.5,7}"});
    row("InstanceNormalization", "InstanceNormalization", 6, {"epsilon=0.0"},
        {"float[1,1,4]{1,2,3,4}", "float[1]{1}", "float[1]{0}"},
        {"float[1,1,4]{-1.34164079,-0.447213595,0.447213595,1.34164079}"});
    row("LayerNormalization", "LayerNormalization", 17, {"epsilon=0.0"},
        {"float[2,2]{1,3,2,6}", "float[2]{1,2}", "float[2]{0,1}"},
        {"float[2,2]{-1,3,-1,3}", "float[2,1]{2,4}", "float[2,1]{1,0.5}"});
    row("LayerNormalization axis 0", "LayerNormalization", 17, {"axis=0", "epsilon=0.0"},
        {"float[2,1]{1,3}", "float[2,1]{1,1}"}, {"float[2,1]{-1,1}"});
    row("LRN", "LRN", 13, {"size=2", "alpha=1.0", "beta=1.0", "bias=1.0"}, {"float[1,2,1,1]{1,2}"},
        {"float[1,2,1,1]{0.285714286,0.666666667}"});
    row("Dropout with mask", "Dropout", 13, {}, {"float[2]{1,2}"}, {"float[2]{1,2}", "bool[2]{1,1}"});
    row("Dropout ratio 0 training", "Dropout", 13, {}, {"float[1]{3}", "float[]{0}", "bool[]{1}"}, {"float[1]{3}"});
    row("Resize nearest scales", "Resize", 13, {}, {"float[1,1,2]{1,2}", "", "float[3]{1,1,2}"},
        {"float[1,1,4]{1,1,2,2}"});
    row("Resize linear asymmetric sizes", "Resize", 13, {"mode='linear'", "coordinate_transformation_mode='asymmetric'"},
        {"float[1,1,2]{1,3}", "", "", "int64[3]{1,1,4}"}, {"float[1,1,4]{1,2,3,3}"});
    row("Resize linear align_corners", "Resize", 13, {"mode='linear'", "coordinate_transformation_mode='align_corners'"},
        {"float[1,1,2]{1,3}", "", "", "int64[3]{1,1,3}"}, {"float[1,1,3]{1,2,3}"});
    row("Resize linear half_pixel", "Resize", 13, {"mode='linear'"}, {"float[2]{1,3}", "", "float[1]{2}"},
        {"float[4]{1,1.5,2.5,3}"});
    row("Resize downsample nearest", "Resize", 13, {"coordinate_transformation_mode='asymmetric'", "nearest_mode='floor'"},
        {"float[4]{1,2,3,4}", "", "float[1]{0.5}"}, {"float[2]{1,3}"});
    row("Resize axes (opset 18)", "Resize", 18, {"axes=[-1]"}, {"float[1,2]{1,2}", "", "", "int64[1]{4}"},
        {"float[1,4]{1,1,2,2}"});
    row("Upsample nearest (opset 9)", "Upsample", 9, {}, {"float[1,1,2]{1,2}", "float[3]{1,1,2}"},
        {"float[1,1,4]{1,1,2,2}"});
    // GridSample points far outside or not a number (UBSan: their int64 conversion overflowed):
    // with zeros padding they read zeros; reflection folds any double back inside.
    row("GridSample far outside, zeros", "GridSample", 16, {}, {"float[1,1,2,2]{1,2,3,4}", "float[1,1,2,2]{1e30,0,nan,0}"},
        {"float[1,1,1,2]{0,0}"});
    row("GridSample bicubic nan, zeros", "GridSample", 16, {"mode='bicubic'"},
        {"float[1,1,2,2]{1,2,3,4}", "float[1,1,1,2]{0,nan}"}, {"float[1,1,1,1]{0}"});
    row("GridSample nearest 1e30, reflection", "GridSample", 16, {"mode='nearest'", "padding_mode='reflection'"},
        {"float[1,1,2,2]{1,2,3,4}", "float[1,1,1,2]{1e30,0}"}, {"float[1,1,1,1]{2}"});
    // An empty image has no pixel to read (found reading the kernels: RoiAlign read index -1,
    // GridSample clamped into [0, -1]). Zeros padding and RoiAlign's samples outside give 0.
    row("RoiAlign of an empty image", "RoiAlign", 16, {"sampling_ratio=1"},
        {"float[1,1,0,1]{}", "float[1,4]{0,0,0,0}", "int64[1]{0}"}, {"float[1,1,1,1]{0}"});
    row("GridSample zeros of an empty image", "GridSample", 16, {}, {"float[1,1,0,1]{}", "float[1,1,1,2]{0,0}"},
        {"float[1,1,1,1]{0}"});
    // block_size 2^63-1: the blocks were counted as (D + block_size - 1) / block_size, past int64.
    row("DequantizeLinear block_size 2^63-1", "DequantizeLinear", 21, {"axis=0", "block_size=9223372036854775807"},
        {"int8[2]{1,2}", "float[1]{2}"}, {"float[2]{2,4}"});
}

void TestEval::errors_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<int>("opset");
    QTest::addColumn<QStringList>("attrs");
    QTest::addColumn<QStringList>("inputs");
    QTest::addColumn<QString>("message");
    auto err = [](const char* name, const QString& op, int opset, const QStringList& attrs, const QStringList& inputs,
                  const QString& message) { QTest::newRow(name) << op << opset << attrs << inputs << message; };
    err("Gather index out of range", "Gather", 13, {}, {"float[4]{1,2,3,4}", "int64[1]{7}"},
        "index 7 is out of range for axis 0 of size 4.");
    err("Gather negative out of range", "Gather", 13, {"axis=1"}, {"float[2,2]{1,2,3,4}", "int64[1]{-3}"},
        "index -3 is out of range for axis 1 of size 2.");
    err("GatherElements out of range", "GatherElements", 13, {}, {"float[2]{1,2}", "int64[1]{2}"},
        "index 2 is out of range for axis 0 of size 2.");
    err("ScatterND out of range", "ScatterND", 13, {}, {"float[2]{1,2}", "int64[1,1]{5}", "float[1]{1}"},
        "index 5 is out of range for axis 0 of size 2.");
    err("Add shapes mismatch", "Add", 14, {}, {"float[2,3]{1,2,3,4,5,6}", "float[2]{1,2}"},
        "shapes [2,3] and [2] cannot be broadcast together.");
    err("Add dtype mismatch", "Add", 14, {}, {"float[1]{1}", "double[1]{1}"}, "have different dtypes (float and double).");
    err("Abs of strings", "Abs", 13, {}, {"string[1]{a}"}, "has dtype string, which Abs does not accept.");
    err("Sqrt of ints", "Sqrt", 13, {}, {"int32[1]{4}"}, "has dtype int32, which Sqrt does not accept.");
    err("Div int by zero", "Div", 14, {}, {"int32[2]{1,2}", "int32[2]{1,0}"}, "integer division by zero.");
    err("Mod float without fmod", "Mod", 13, {}, {"float[1]{1}", "float[1]{2}"}, "fmod must be 1 for floating-point inputs.");
    err("Reshape wrong count", "Reshape", 14, {}, {"float[6]{1,2,3,4,5,6}", "int64[2]{4,2}"},
        "cannot reshape shape [6] (6 elements) to [4,2].");
    err("Reshape two -1", "Reshape", 14, {}, {"float[6]{1,2,3,4,5,6}", "int64[2]{-1,-1}"}, "has more than one -1.");
    err("Squeeze non-1", "Squeeze", 13, {}, {"float[2]{1,2}", "int64[1]{0}"}, "cannot squeeze axis 0 of size 2.");
    err("Transpose repeated perm", "Transpose", 13, {"perm=[0,0]"}, {"float[1,1]{1}"}, "axis 0 is repeated.");
    err("Concat mismatch", "Concat", 13, {"axis=0"}, {"float[1,2]{1,2}", "float[1,3]{1,2,3}"},
        "part 1 has shape [1,3], which does not match [1,2] outside axis 0.");
    err("Split bad sum", "Split", 13, {}, {"float[3]{1,2,3}", "int64[1]{2}"}, "split [2] sums to 2, not 3.");
    // Fuzz find: an empty input declared [0,2,2^63-1,13] overflowed Slice's strides (UBSan).
    err("Slice of an empty tensor past int64", "Slice", 13, {},
        {"float[0,2,9223372036854775807,13]{}", "int64[1]{1}", "int64[1]{2}", "int64[1]{1}"},
        "input 0 'in0' of shape [0,2,9223372036854775807,13] is empty, but its other dims multiply past int64.");
    // Fuzz find (the CI share at 01aa6a6): LpPool's pads of 2^63-1 overflowed the window (UBSan).
    const QString pastInt64 = "the window (kernel_shape, strides, dilations, pads) on spatial axis 0 reaches past int64.";
    err("LpPool pads past int64", "LpPool", 18, {"kernel_shape=[2]", "pads=[0,9223372036854775807]"},
        {"float[1,1,5]{1,2,3,4,5}"}, pastInt64);
    err("MaxPool dilations past int64", "MaxPool", 12, {"kernel_shape=[3]", "dilations=[4611686018427387904]"},
        {"float[1,1,5]{1,2,3,4,5}"}, pastInt64);
    err("AveragePool SAME strides past int64", "AveragePool", 11,
        {"kernel_shape=[2]", "auto_pad='SAME_UPPER'", "dilations=[9223372036854775806]"}, {"float[1,1,5]{1,2,3,4,5}"},
        pastInt64);
    err("ConvTranspose strides past int64", "ConvTranspose", 11, {"strides=[4611686018427387904]"},
        {"float[1,1,3]{1,2,3}", "float[1,1,1]{1}"}, pastInt64);
    err("ConvTranspose negative output_padding", "ConvTranspose", 11, {"output_padding=[-1]"},
        {"float[1,1,3]{1,2,3}", "float[1,1,1]{1}"}, "output_padding [-1] has a negative entry.");
    err("MaxUnpool strides past int64", "MaxUnpool", 11, {"kernel_shape=[2]", "strides=[9223372036854775807]"},
        {"float[1,1,2]{1,2}", "int64[1,1,2]{0,1}"}, pastInt64);
    // RoiAlign and MaxRoiPool turn roi coordinates (doubles) into sample counts and indices:
    // values that are not finite or that no int64 holds are refused before they are converted.
    err("RoiAlign roi not finite", "RoiAlign", 16, {}, {"float[1,1,2,2]{1,2,3,4}", "float[1,4]{0,0,nan,1}", "int64[1]{0}"},
        "roi 0 (times spatial_scale) is not finite.");
    err("RoiAlign sampling grid too large", "RoiAlign", 16, {"sampling_ratio=4294967296"},
        {"float[1,1,2,2]{1,2,3,4}", "float[1,4]{0,0,1,1}", "int64[1]{0}"},
        "the sampling grid of roi 0 (4.29497e+09 x 4.29497e+09 points per bin) is too large.");
    err("RoiAlign grid from a huge roi", "RoiAlign", 16, {}, {"float[1,1,2,2]{1,2,3,4}", "float[1,4]{0,0,1e30,1e30}", "int64[1]{0}"},
        "the sampling grid of roi 0 (1e+30 x 1e+30 points per bin) is too large.");
    err("MaxRoiPool roi past 2^52", "MaxRoiPool", 1, {"pooled_shape=[1,1]"}, {"float[1,1,2,2]{1,2,3,4}", "float[1,5]{0,0,0,1e30,1}"},
        "roi 0 has a coordinate (times spatial_scale) that is not finite or past 2^52: 1e+30.");
    err("OneHot depth past int64", "OneHot", 11, {}, {"int64[1]{0}", "float[]{1e30}", "float[2]{0,1}"},
        "depth 1e+30 is not a positive int64.");
    err("OneHot depth nan", "OneHot", 11, {}, {"int64[1]{0}", "float[]{nan}", "float[2]{0,1}"},
        "depth nan is not a positive int64.");
    err("STFT frame_length past the signal", "STFT", 17, {},
        {"float[1,8,1]{1,2,3,4,5,6,7,8}", "int64[]{1}", "", "int64[]{1099511627776}"},
        "frame_length 1099511627776 is longer than the signal (8).");
    err("MelWeightMatrix edge nan", "MelWeightMatrix", 17, {},
        {"int64[]{8}", "int64[]{16}", "int64[]{8000}", "float[]{nan}", "float[]{100}"},
        "the edges nan and 100 Hz are not 0 <= lower <= upper <= sample_rate / 2.");
    err("MelWeightMatrix bins past the limit", "MelWeightMatrix", 17, {},
        {"int64[]{4611686018427387904}", "int64[]{16}", "int64[]{8000}", "float[]{0}", "float[]{100}"},
        "output of shape [9,4611686018427387904] has more elements than fit in 64 bits.");
    err("MaxRoiPool batch index nan", "MaxRoiPool", 1, {"pooled_shape=[1,1]"}, {"float[1,1,2,2]{1,2,3,4}", "float[1,5]{nan,0,0,1,1}"},
        "batch index nan is out of range for 1 images.");
    // Fuzz find (campaign at 8258855): a fold of Softmax over an empty [2^20, 0, 2^20] walked
    // 2^40 empty rows (40 s under ASan at a smaller size).
    err("Softmax of an empty tensor past the size limit", "Softmax", 13, {"axis=1"}, {"float[1048576,0,1048576]{}"},
        "input 0 'in0' of shape [1048576,0,1048576] is empty, but its other dims multiply to 8.0 TB of work space, "
        "over the 2.0 GB limit.");
    // The CI fuzz share at 7c19e59 stopped on 16 GiB of double scratch held behind an empty tensor
    // (its input was not kept). One such path: DFT of an empty signal with a dft_length of 2^30
    // made an empty output, then a 2^31-double row for the signal. Empty outputs answer to the limit.
    err("DFT of an empty signal to a huge length", "DFT", 17, {"onesided=0"}, {"float[0,4,1]{}", "int64[]{1073741824}"},
        "output of shape [0,1073741824,2] is empty, but its other dims multiply to 16.0 GB of work space, over the 2.0 GB "
        "limit.");
    // Found reading the kernels for sizes no check bounded: a count attribute dividing a dim of 0
    // divides it whatever its value (Attention's 2^62+1 heads wrapped the output shape: a heap
    // overflow; the others looped 2^62 times), and RNN's initial states are batch x hidden_size.
    const QString exabytes = " is empty, but its other dims multiply to 32.0 EB of work space, over the 2.0 GB limit.";
    err("Attention with 2^62+1 heads of size 0", "Attention", 23, {"q_num_heads=4611686018427387905", "kv_num_heads=1"},
        {"float[1,1,0]{}", "float[1,1,0]{}", "float[1,1,4]{1,2,3,4}"},
        "input 0 split into q_num_heads of shape [1,4611686018427387905,1,0]" + exabytes);
    err("GroupNormalization of 0 channels into 2^62 groups", "GroupNormalization", 21, {"num_groups=4611686018427387904"},
        {"float[1,0]{}", "float[0]{}", "float[0]{}"}, "input 0 split into num_groups of shape [1,4611686018427387904,0]" + exabytes);
    err("RotaryEmbedding with 2^62 heads of size 0", "RotaryEmbedding", 23, {"num_heads=4611686018427387904"},
        {"float[1,1,0]{}", "float[1,1,0]{}", "float[1,1,0]{}"},
        "input 0 split into num_heads of shape [1,4611686018427387904,1,0]" + exabytes);
    err("ConvTranspose of 0 channels in 2^62 groups", "ConvTranspose", 11, {"group=4611686018427387904"},
        {"float[1,0,1]{}", "float[0,0,1]{}"}, "input channels 0, weights [0,0,1] and group 4611686018427387904 do not fit together.");
    // (Conv's weights x group wrapped to a different value: a UBSan find, the same message here.)
    err("Conv of 0 channels in 2^62 groups", "Conv", 11, {"group=4611686018427387904"}, {"float[1,0,1]{}", "float[0,2,1]{}"},
        "input channels 0, weights [0,2,1] and group 4611686018427387904 do not fit together.");
    err("RNN initial states past the limit", "RNN", 14, {"hidden_size=4"},
        {"float[0,134217728,1]{}", "float[1,4,1]{1,1,1,1}", "float[1,4,4]{1,0,0,0,0,1,0,0,0,0,1,0,0,0,0,1}"},
        "the initial states would take 4.0 GB, over the 2.0 GB limit.");
    err("GridSample border of an empty image", "GridSample", 16, {"padding_mode='border'"},
        {"float[1,1,0,1]{}", "float[1,1,1,2]{0,0}"}, "padding_mode 'border' has no border to read in an input of shape [1,1,0,1].");
    err("GridSample reflection of an empty image", "GridSample", 16, {"padding_mode='reflection'"},
        {"float[1,1,0,1]{}", "float[1,1,1,2]{0,0}"},
        "padding_mode 'reflection' has no border to read in an input of shape [1,1,0,1].");
    // Scratch no output stands for (found reviewing the fixes above): Attention's mask broadcast
    // to the scores [B, heads, Sq, T] when output 3 is not wanted (a 128 GiB vector for empty
    // heads), STFT's rows for an empty batch (frame_length bounded only by the signal's dims).
    err("Attention mask broadcast past the limit", "Attention", 23, {},
        {"float[1,1,131072,0]{}", "float[1,1,131072,0]{}", "float[1,1,131072,0]{}", "float[]{0}"},
        "input 3 broadcast to [1,1,131072,131072] would take 128.0 GB, over the 2.0 GB limit.");
    err("STFT rows of an empty batch past the limit", "STFT", 17, {},
        {"float[0,268435440,1]{}", "int64[]{1}", "", "int64[]{268435440}"}, "the frame row would take 4.0 GB, over the 2.0 GB limit.");
    err("Slice step 0", "Slice", 13, {}, {"float[3]{1,2,3}", "int64[1]{0}", "int64[1]{2}", "int64[1]{0}", "int64[1]{0}"},
        "step 0 on axis 0 is not allowed.");
    err("Axis out of range", "Softmax", 13, {"axis=2"}, {"float[2,2]{1,2,3,4}"}, "axis 2 is out of range for rank 2.");
    err("MatMul mismatch", "MatMul", 13, {}, {"float[2,3]{1,2,3,4,5,6}", "float[2,2]{1,2,3,4}"},
        "shapes [2,3] and [2,2] cannot be multiplied.");
    err("Conv channel mismatch", "Conv", 11, {}, {"float[1,2,2,2]{1,2,3,4,5,6,7,8}", "float[1,3,1,1]{1,2,3}"},
        "do not fit together.");
    err("Missing input", "Add", 14, {}, {"float[1]{1}", ""}, "required input 1 is missing.");
    err("Range delta 0", "Range", 11, {}, {"int32[]{0}", "int32[]{3}", "int32[]{0}"}, "delta must not be 0.");
    err("Dropout training", "Dropout", 13, {}, {"float[1]{1}", "float[]{0.5}", "bool[]{1}"},
        "training mode drops values at random, which has no kernel.");
    err("BatchNormalization training", "BatchNormalization", 15, {"training_mode=1"},
        {"float[1,1]{1}", "float[1]{1}", "float[1]{0}", "float[1]{0}", "float[1]{1}"}, "training_mode=1 has no kernel.");
    err("Tile negative", "Tile", 13, {}, {"float[1]{1}", "int64[1]{-1}"}, "has a negative entry.");
    err("Cast to string", "Cast", 13, {"to=8"}, {"float[1]{1}"}, "casting float to string has no kernel.");
    err("Resize unknown mode", "Resize", 13, {"mode='bicubic'"}, {"float[2]{1,2}", "", "float[1]{2}"},
        "mode 'bicubic' has no kernel.");
    // Fuzz finding (UBSan in the CI share): keep_aspect_ratio_policy scales every sized axis by
    // the largest ratio, so one huge size pushed another axis past int64 in a float-to-int cast.
    err("Resize not_smaller past int64", "Resize", 18, {"keep_aspect_ratio_policy='not_smaller'"},
        {"float[2,1]{1,2}", "", "", "int64[2]{1,9000000000000000000}"},
        "under keep_aspect_ratio_policy 'not_smaller' give axis 0 the size 1.8e+19, past the int64 range.");
    err("Constant sparse", "Constant", 13, {}, {}, "it has no value attribute.");
}

void TestEval::errors()
{
    QFETCH(QString, op);
    QFETCH(int, opset);
    QFETCH(QStringList, attrs);
    QFETCH(QStringList, inputs);
    QFETCH(QString, message);
    const QString error = errorOf(op, opset, attrs, inputs);
    QVERIFY2(error.startsWith("Cannot evaluate node 'n' (" + op + "): "), qPrintable(error));
    QVERIFY2(error.endsWith(message), qPrintable("got: " + error));
    QVERIFY(!error.contains('\n'));
}

void TestEval::errorMessageFormat()
{
    QCOMPARE(errorOf("Gather", 13, {}, {"float[4]{1,2,3,4}", "int64[2]{0,7}"}, 1, {}, "Gather_3"),
             QString("Cannot evaluate node 'Gather_3' (Gather): index 7 is out of range for axis 0 of size 4."));
    Node unnamed = makeNode("Relu", {}, {true}, 1);
    unnamed.id = 12;
    try {
        evaluateNode(unnamed, {parseTensor("string[1]{a}")}, 14);
        QFAIL("no error");
    } catch (const Error& e) {
        QCOMPARE(QString(e.what()), QString("Cannot evaluate node 'Relu#12' (Relu): input 0 'in0' has dtype string, "
                                            "which Relu does not accept."));
    }
}

void TestEval::outputLimit_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<QStringList>("inputs");
    QTest::addColumn<qulonglong>("limit");
    QTest::addColumn<QString>("message");
    QTest::newRow("ConstantOfShape 2^40") << "ConstantOfShape" << QStringList{"int64[1]{1099511627776}"}
                                          << (qulonglong(1) << 31) << "output would be 4.0 TB, over the 2.0 GB limit.";
    QTest::newRow("Expand overflow") << "Expand"
                                     << QStringList{"float[1]{1}", "int64[3]{1099511627776,1099511627776,1099511627776}"}
                                     << (qulonglong(1) << 31) << "has more elements than fit in 64 bits.";
    QTest::newRow("Tile huge") << "Tile" << QStringList{"float[2]{1,2}", "int64[1]{4000000000}"} << (qulonglong(1) << 31)
                               << "output would be 29.8 GB, over the 2.0 GB limit.";
    QTest::newRow("Range huge") << "Range" << QStringList{"int64[]{0}", "int64[]{9000000000000000000}", "int64[]{1}"}
                                << (qulonglong(1) << 31) << "output would be 62.5 EB, over the 2.0 GB limit.";
    QTest::newRow("Add small limit") << "Add" << QStringList{"float[30]{}", "float[1]{1}"} << qulonglong(100)
                                     << "output would be 120 B, over the 100 B limit.";
    QTest::newRow("Conv im2col over the limit")
        << "Conv" << QStringList{"float[1,1,4,4]{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16}", "float[1,1,3,3]{1,1,1,1,1,1,1,1,1}"}
        << qulonglong(100) << "the im2col columns would take 144 B, over the 100 B limit.";
    // Resize's weight lists (a list and its taps per output index, 48 B for nearest) count
    // against the limit; the values in between (8 x 8 B) fit it.
    QTest::newRow("Resize weights over the limit")
        << "Resize" << QStringList{"float[1,4]{1,2,3,4}", "", "", "int64[2]{1,8}"} << qulonglong(100)
        << "the weights of axis 1 would take 384 B, over the 100 B limit.";
    QTest::newRow("Reshape negative") << "Reshape" << QStringList{"float[1]{1}", "int64[1]{-5}"} << (qulonglong(1) << 31)
                                      << "has the invalid entry -5.";
}

void TestEval::outputLimit()
{
    QFETCH(QString, op);
    QFETCH(QStringList, inputs);
    QFETCH(qulonglong, limit);
    QFETCH(QString, message);
    EvalOptions options;
    options.maxOutputBytes = limit;
    if (inputs[0] == "float[30]{}")
        inputs[0] = "float[30]{" + QString("1,").repeated(29) + "1}";
    const QString error = errorOf(op, 13, {}, inputs, 1, options, "big");
    QVERIFY2(error.startsWith("Cannot evaluate node 'big' (" + op + "): "), qPrintable(error));
    QVERIFY2(error.endsWith(message), qPrintable(error));
}

void TestEval::noKernel_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("message");
    QTest::newRow("RandomUniform") << "RandomUniform" << "" << "op 'RandomUniform' has no kernel (random output).";
    QTest::newRow("RandomNormalLike") << "RandomNormalLike" << "" << "op 'RandomNormalLike' has no kernel (random output).";
    QTest::newRow("Multinomial") << "Multinomial" << "" << "op 'Multinomial' has no kernel (random output).";
    QTest::newRow("custom domain") << "Relu" << "com.example" << "op 'com.example:Relu' has no kernel.";
    QTest::newRow("unknown") << "Foo" << "ai.onnx" << "op 'Foo' has no kernel.";
}

void TestEval::noKernel()
{
    QFETCH(QString, op);
    QFETCH(QString, domain);
    QFETCH(QString, message);
    Node node = makeNode(op, {}, {}, 1, "r");
    node.domain = domain.toStdString();
    QVERIFY(!hasKernel(node.opType, node.domain));
    try {
        evaluateNode(node, {}, 17);
        QFAIL("no error");
    } catch (const Error& e) {
        QCOMPARE(QString(e.what()), "Cannot evaluate node 'r' (" + op + "): " + message);
    }
}

void TestEval::supportedOps()
{
    const auto ops = netfold::supportedOps();
    QVERIFY(std::is_sorted(ops.begin(), ops.end()));
    const char* const required[] = {
        "Shape", "Size", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Expand", "Tile", "Transpose", "Concat", "Split",
        "Slice", "Gather", "GatherElements", "ScatterND", "ScatterElements", "Pad", "NonZero", "Range",
        "ConstantOfShape", "Constant", "Identity", "Cast", "CastLike", "Where", "ReduceSum", "ReduceProd", "ReduceMin",
        "ReduceMax", "ReduceMean", "ArgMax", "ArgMin", "Add", "Sub", "Mul", "Div", "Mod", "Pow", "Neg", "Abs", "Sqrt",
        "Reciprocal", "Exp", "Log", "Floor", "Ceil", "Round", "Min", "Max", "Sum", "Mean", "Clip", "Relu", "LeakyRelu",
        "Sigmoid", "Tanh", "Erf", "Softmax", "LogSoftmax", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
        "Not", "And", "Or", "Xor", "Sign", "HardSigmoid", "MatMul", "Gemm", "Conv", "ConvTranspose",
        "BatchNormalization", "GlobalAveragePool", "AveragePool", "MaxPool", "LayerNormalization", "Dropout",
        "InstanceNormalization", "Resize", "If", "Loop", "Scan"};
    for (const char* op : required)
        QVERIFY2(std::find(ops.begin(), ops.end(), op) != ops.end(), op);
    QVERIFY(hasKernel("Add", "ai.onnx"));
    QVERIFY(!hasKernel("Add", "com.microsoft"));
    QVERIFY(!hasKernel("RandomUniform"));
}

void TestEval::missingKernels()
{
    const Model custom = openModel(dataPath("custom_domain.onnx").toStdString());
    QCOMPARE(netfold::missingKernels(custom.graph), std::vector<std::string>{"com.example:MyOp"});
    for (const char* file : {"seed_static.onnx", "transformer_dyn.onnx", "if_model.onnx", "loop_model.onnx",
                             "opset18.onnx", "opset21.onnx", "tiny_resnet.onnx", "seed_bn.onnx"}) {
        const Model m = openModel(dataPath(file).toStdString());
        QVERIFY2(netfold::missingKernels(m.graph).empty(), file);
    }
}

void TestEval::ifModel()
{
    const Model m = openModel(dataPath("if_model.onnx").toStdString());
    const auto out = evaluateGraph(m, m.graph, {{"X", parseTensor("float[2,3]{1,-2,3,-4,5,-6}")}});
    QCOMPARE(out.size(), std::size_t(1));
    const QString diff = compareTensors(*parseTensor("float[2,3]{1,0,3.2,0,5.4,0}"), *out.at("Y"), 1e-6, 1e-6);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestEval::loopModel()
{
    const Model m = openModel(dataPath("loop_model.onnx").toStdString());
    const auto out = evaluateGraph(m, m.graph, {{"X", parseTensor("float[3]{1,2,3}")}});
    QString diff = compareTensors(*parseTensor("float[3]{1.9375,6,63}"), *out.at("Y"), 0, 0);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    diff = compareTensors(*parseTensor("float[4,3]{1.5,3,7,1.75,4,15,1.875,5,31,1.9375,6,63}"), *out.at("Z"), 0, 0);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

namespace {

/// Loop(M, cond, v) whose body doubles v and emits v as a scan output.
ModelBuilder doublingLoop()
{
    ModelBuilder body(17, "body");
    body.input("i", dtype::Int64, {}).input("c", dtype::Bool, {}).input("v", dtype::Float, {2});
    body.node("Identity", {"c"}, {"c_out"}).node("Add", {"v", "v"}, {"v_out"}).node("Identity", {"v_out"}, {"s_out"});
    body.output("c_out", dtype::Bool).output("v_out", dtype::Float).output("s_out", dtype::Float, {2});
    ModelBuilder b(17);
    b.input("M", dtype::Int64, {}).input("V", dtype::Float, {2});
    b.node("Loop", {"M", "", "V"}, {"V_final", "S"}, "loop").attrGraph("body", body.graph());
    b.output("V_final", dtype::Float).output("S", dtype::Float);
    return b;
}

} // namespace

void TestEval::loopZeroIterations()
{
    const Model m = doublingLoop().build();
    auto out = evaluateGraph(m, m.graph, {{"M", parseTensor("int64[]{0}")}, {"V", parseTensor("float[2]{1,2}")}});
    QCOMPARE(describe(*out.at("V_final")), QString("float[2]{1,2}"));
    QCOMPARE(describe(*out.at("S")), QString("float[0,2]{}"));
    out = evaluateGraph(m, m.graph, {{"M", parseTensor("int64[]{3}")}, {"V", parseTensor("float[2]{1,2}")}});
    QCOMPARE(describe(*out.at("V_final")), QString("float[2]{8,16}"));
    QCOMPARE(describe(*out.at("S")), QString("float[3,2]{2,4,4,8,8,16}"));
    EvalOptions small;
    small.maxOutputBytes = 20;
    try {
        evaluateGraph(m, m.graph, {{"M", parseTensor("int64[]{3}")}, {"V", parseTensor("float[2]{1,2}")}}, {}, small);
        QFAIL("no error");
    } catch (const Error& e) {
        QVERIFY2(QString(e.what()).startsWith("Cannot evaluate node 'loop' (Loop): scan outputs would be"), e.what());
    }
}

void TestEval::scanCumulativeSum()
{
    ModelBuilder body(16, "body");
    body.input("sum_in", dtype::Float, {2}).input("x", dtype::Float, {2});
    body.node("Add", {"sum_in", "x"}, {"sum_out"}).node("Identity", {"sum_out"}, {"y"});
    body.output("sum_out", dtype::Float).output("y", dtype::Float);
    ModelBuilder b(16);
    b.input("init", dtype::Float, {2}).input("X", dtype::Float, {3, 2});
    b.node("Scan", {"init", "X"}, {"final", "Y"}).attr("num_scan_inputs", int64_t(1)).attrGraph("body", body.graph());
    b.output("final", dtype::Float).output("Y", dtype::Float);
    const Model m = b.build();
    const auto out = evaluateGraph(m, m.graph, {{"init", parseTensor("float[2]{0,0}")},
                                                {"X", parseTensor("float[3,2]{1,2,3,4,5,6}")}});
    QCOMPARE(describe(*out.at("final")), QString("float[2]{9,12}"));
    QCOMPARE(describe(*out.at("Y")), QString("float[3,2]{1,2,4,6,9,12}"));

    ModelBuilder rb(16);
    rb.input("init", dtype::Float, {2}).input("X", dtype::Float, {3, 2});
    rb.node("Scan", {"init", "X"}, {"final", "Y"})
        .attr("num_scan_inputs", int64_t(1))
        .attr("scan_input_directions", std::vector<int64_t>{1})
        .attr("scan_output_axes", std::vector<int64_t>{-1})
        .attrGraph("body", body.graph());
    rb.output("final", dtype::Float).output("Y", dtype::Float);
    const Model r = rb.build();
    const auto rout = evaluateGraph(r, r.graph, {{"init", parseTensor("float[2]{0,0}")},
                                                 {"X", parseTensor("float[3,2]{1,2,3,4,5,6}")}});
    QCOMPARE(describe(*rout.at("Y")), QString("float[2,3]{5,8,9,6,10,12}"));
}

void TestEval::ifWithOuterScope()
{
    ModelBuilder thenB(13, "then");
    thenB.node("Add", {"outer_x", "outer_x"}, {"t"}).output("t", dtype::Float);
    ModelBuilder elseB(13, "else");
    elseB.node("Neg", {"outer_x"}, {"e"}).output("e", dtype::Float);
    ModelBuilder b(13);
    b.input("c", dtype::Bool, {}).input("outer_x", dtype::Float, {2});
    b.node("If", {"c"}, {"y"}, "if").attrGraph("then_branch", thenB.graph()).attrGraph("else_branch", elseB.graph());
    b.output("y", dtype::Float);
    const Model m = b.build();
    const Node& ifNode = m.graph.nodes.at(0);
    const auto x = parseTensor("float[2]{1,-3}");
    auto out = evaluateNodeInScope(ifNode, {parseTensor("bool[]{1}")}, 13, {{"outer_x", x}});
    QCOMPARE(describe(*out[0]), QString("float[2]{2,-6}"));
    out = evaluateNodeInScope(ifNode, {parseTensor("bool[]{0}")}, 13, {{"outer_x", x}});
    QCOMPARE(describe(*out[0]), QString("float[2]{-1,3}"));
    try {
        evaluateNode(ifNode, {parseTensor("bool[]{1}")}, 13);
        QFAIL("no error");
    } catch (const Error& e) {
        QVERIFY2(QString(e.what()).contains("value 'outer_x' read by node"), e.what());
    }
}

void TestEval::graphFeedErrors()
{
    const Model m = openModel(dataPath("seed_static.onnx").toStdString());
    auto errorFor = [&](const std::map<std::string, TensorPtr>& feeds) {
        try {
            evaluateGraph(m, m.graph, feeds);
        } catch (const Error& e) {
            return QString(e.what());
        }
        return QString();
    };
    QVERIFY(errorFor({}).endsWith("input 'input0' is not fed."));
    QVERIFY(errorFor({{"input0", parseTensor("double[1]{1}")}}).endsWith("is float, but was fed double."));
    QVERIFY(errorFor({{"input0", parseTensor("float[1]{1}")}}).endsWith("but was fed shape [1]."));
    QVERIFY(errorFor({{"nope", parseTensor("float[1]{1}")}}).contains("'nope' is not one of its inputs."));
}

void TestEval::convSpeed()
{
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> dist(-1, 1);
    auto randomTensor = [&](std::vector<int64_t> dims) {
        std::vector<double> v(static_cast<std::size_t>(checkedNumel(dims, "t")));
        for (auto& x : v)
            x = dist(rng);
        return Tensor::fromDoubles(dtype::Float, dims, v);
    };
    const auto x = randomTensor({64, 16, 64, 64});
    const auto w = randomTensor({16, 16, 5, 5});
    const auto b = randomTensor({16});
    QElapsedTimer timer;
    timer.start();
    const double cpuStart = threadCpuMs();
    const auto out = evaluateNode(makeNode("Conv", {}, {true, true, true}, 1), {x, w, b}, 11);
    const double ms = threadCpuMs() - cpuStart;
    qInfo("Conv 64x16x64x64 * 16x16x5x5: %.0f ms CPU, %lld ms wall", ms, timer.elapsed());
    QCOMPARE(out[0]->dims(), (std::vector<int64_t>{64, 16, 60, 60}));
    double expected = b->at(0);
    for (int64_t c = 0; c < 16; ++c)
        for (int64_t i = 0; i < 5; ++i)
            for (int64_t j = 0; j < 5; ++j)
                expected += x->at(((0 * 16 + c) * 64 + i) * 64 + j) * w->at((c * 5 + i) * 5 + j);
    QVERIFY(std::fabs(out[0]->at(0) - expected) < 1e-4);
    // The time is reported, not asserted: speed is for benchmarks, not for tests on a shared machine.
}

QTEST_GUILESS_MAIN(TestEval)
#include "tst_eval.moc"
