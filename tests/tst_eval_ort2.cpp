// Reference kernels against ONNX Runtime, second suite: the recurrent, quantization, signal,
// detection, Einsum, GridSample and sequence kernels. One-node models (random inputs from fixed
// seeds, edge cases as literals) and small multi-node models (sequences, which ONNX Runtime's
// Node.js API cannot feed or return), run by netfold (evaluateNode / evaluateGraph) and by ONNX
// Runtime (tests/ort/eval_many.js, one node process). Case inputs, outputs and attributes: see
// tst_eval_ort_support.h.
#include "ModelBuilder.h"
#include "TestSupport.h"
#include "tst_eval_ort_support.h"

#include "eval/Evaluator.h"
#include "model/DataType.h"
#include "util/Error.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace netfold;
using namespace netfold::test;
using namespace netfold::evaltest;

namespace {

// ---- the cases -----------------------------------------------------------------------------------

/// X, W, R, B, sequence_lens, initial_h (+ initial_c, P) for a recurrent case.
QStringList rnnInputs(const QString& dt, int gates, int T, int B, int I, int H, int D, bool layout1,
                      const QStringList& optional)
{
    auto dims = [](std::initializer_list<int> d) {
        QStringList s;
        for (int v : d)
            s << QString::number(v);
        return "[" + s.join(',') + "]";
    };
    QStringList in{dt + (layout1 ? dims({B, T, I}) : dims({T, B, I})), dt + dims({D, gates * H, I}) + "~small",
                   dt + dims({D, gates * H, H}) + "~small"};
    const QString state = dt + (layout1 ? dims({B, D, H}) : dims({D, B, H}));
    for (const auto& o : optional) {
        if (o == "B")
            in << dt + dims({D, 2 * gates * H}) + "~small";
        else if (o == "") // an omitted input
            in << "";
        else if (o.startsWith("lens"))
            in << o.mid(4);
        else if (o == "h0" || o == "c0")
            in << state;
        else if (o == "P")
            in << dt + dims({D, 3 * H}) + "~small";
    }
    return in;
}

void recurrentCases(CaseList& L)
{
    struct Cell {
        const char* op;
        int gates;
        int outputs;
    };
    for (const Cell& cell : {Cell{"RNN", 1, 2}, Cell{"GRU", 3, 2}, Cell{"LSTM", 4, 3}}) {
        const QString op = cell.op;
        const QString h = "hidden_size=3";
        const QStringList full = cell.gates == 4 ? QStringList{"B", "lens" "int32[2]{3,1}", "h0", "c0", "P"}
                                                 : QStringList{"B", "lens" "int32[2]{3,1}", "h0"};
        for (const QString dir : {"forward", "reverse", "bidirectional"}) {
            const int D = dir == "bidirectional" ? 2 : 1;
            const QStringList attrs{h, "direction='" + dir + "'"};
            L.add(op + " " + dir + " defaults", op, 14, attrs, rnnInputs("float", cell.gates, 4, 2, 5, 3, D, false, {}),
                  cell.outputs);
            L.add(op + " " + dir + " all inputs", op, 14, attrs,
                  rnnInputs("float", cell.gates, 3, 2, 4, 3, D, false, full), cell.outputs);
            L.add(op + " " + dir + " layout 1", op, 14, attrs + QStringList{"layout=1"},
                  rnnInputs("float", cell.gates, 3, 2, 4, 3, D, true, full), cell.outputs)
                .ortLayout0 = true;
            L.add(op + " " + dir + " double", op, 14, attrs, rnnInputs("double", cell.gates, 3, 2, 4, 3, D, false, full),
                  cell.outputs);
            L.add(op + " " + dir + " float16", op, 14, attrs,
                  rnnInputs("float16", cell.gates, 3, 2, 4, 3, D, false, full), cell.outputs);
        }
        L.add(op + " opset 7", op, 7, {h}, rnnInputs("float", cell.gates, 3, 1, 2, 3, 1, false, {"B"}), cell.outputs);
        L.add(op + " clip", op, 14, {h, "clip=0.5", "direction='bidirectional'"},
              rnnInputs("float", cell.gates, 5, 2, 3, 3, 2, false, {"B"}), cell.outputs);
        L.add(op + " uneven lengths", op, 14, {h},
              rnnInputs("float", cell.gates, 3, 3, 2, 3, 1, false, {"B", "lensint32[3]{2,3,1}", "h0"}), cell.outputs);
        L.add(op + " no hidden_size", op, 14, {}, rnnInputs("float", cell.gates, 2, 1, 2, 4, 1, false, {}),
              cell.outputs)
            .ortExtraAttrs = QStringList{"hidden_size=4"};
        L.add(op + " only last state", op, 14, {h, "direction='bidirectional'"},
              rnnInputs("float", cell.gates, 4, 2, 3, 3, 2, false, {"B", "lensint32[2]{4,2}"}),
              cell.gates == 4 ? QStringList{"", "out1", "out2"} : QStringList{"", "out1"});
        L.add(op + " long sequence", op, 14, {"hidden_size=8"},
              rnnInputs("float", cell.gates, 20, 1, 6, 8, 1, false, {"B"}), cell.outputs);
        L.failing(op + " bad W shape", op, 14, {h}, {"float[2,1,3]", "float[1,5,3]", "float[1,5,3]"}, cell.outputs);
    }
    // Activation lists with alpha / beta, consumed in order by the functions that take them.
    L.add("RNN Relu", "RNN", 14, {"hidden_size=3", "activations=strings:Relu"},
          rnnInputs("float", 1, 4, 2, 3, 3, 1, false, {"B"}), 2);
    L.add("RNN bidirectional LeakyRelu Affine", "RNN", 14,
          {"hidden_size=3", "direction='bidirectional'", "activations=strings:LeakyRelu|Affine",
           "activation_alpha=[0.2,0.7]", "activation_beta=[0.3]"},
          rnnInputs("float", 1, 4, 2, 3, 3, 2, false, {"B"}), 2);
    L.add("RNN ScaledTanh", "RNN", 14,
          {"hidden_size=3", "activations=strings:ScaledTanh", "activation_alpha=[1.5]", "activation_beta=[0.5]"},
          rnnInputs("float", 1, 4, 2, 3, 3, 1, false, {"B"}), 2);
    L.add("RNN ThresholdedRelu", "RNN", 14, {"hidden_size=3", "activations=strings:ThresholdedRelu", "activation_alpha=[0.1]"},
          rnnInputs("float", 1, 3, 2, 3, 3, 1, false, {"B"}), 2);
    for (const QString f : {"Sigmoid", "HardSigmoid", "Elu", "Softsign", "Softplus"})
        L.add("RNN " + f, "RNN", 14, {"hidden_size=3", "activations=strings:" + f},
              rnnInputs("float", 1, 3, 2, 3, 3, 1, false, {"B"}), 2);
    L.add("GRU activations", "GRU", 14, {"hidden_size=3", "activations=strings:HardSigmoid|Softsign"},
          rnnInputs("float", 3, 3, 2, 3, 3, 1, false, {"B"}), 2);
    L.add("GRU linear_before_reset", "GRU", 14, {"hidden_size=3", "linear_before_reset=1"},
          rnnInputs("float", 3, 4, 2, 3, 3, 1, false, {"B", "", "h0"}), 2);
    L.add("GRU linear_before_reset bidirectional", "GRU", 14,
          {"hidden_size=3", "linear_before_reset=1", "direction='bidirectional'"},
          rnnInputs("float", 3, 4, 2, 3, 3, 2, false, {"B", "lensint32[2]{2,4}", "h0"}), 2);
    L.add("LSTM activations", "LSTM", 14, {"hidden_size=3", "activations=strings:HardSigmoid|Tanh|Softsign"},
          rnnInputs("float", 4, 3, 2, 3, 3, 1, false, {"B"}), 3);
    L.add("LSTM bidirectional six activations", "LSTM", 14,
          {"hidden_size=2", "direction='bidirectional'",
           "activations=strings:Sigmoid|Tanh|Tanh|HardSigmoid|Softsign|Relu", "activation_alpha=[0.3]",
           "activation_beta=[0.4]"},
          rnnInputs("float", 4, 3, 2, 3, 2, 2, false, {"B"}), 3);
    L.add("LSTM peepholes only", "LSTM", 14, {"hidden_size=3"},
          rnnInputs("float", 4, 3, 2, 3, 3, 1, false, {"", "", "", "", "P"}), 3);
}

void quantCases(CaseList& L)
{
    L.add("QuantizeLinear uint8", "QuantizeLinear", 10, {}, {"float[3,4]~big", "float[]{0.7}", "uint8[]{128}"});
    L.add("QuantizeLinear int8", "QuantizeLinear", 13, {}, {"float[3,4]~big", "float[]{0.9}", "int8[]{-3}"});
    L.add("QuantizeLinear no zero point", "QuantizeLinear", 13, {}, {"float[10]~big", "float[]{0.25}"});
    L.add("QuantizeLinear ties and saturation", "QuantizeLinear", 13, {},
          {"float[10]{0.5,1.5,2.5,-0.5,-1.5,-2.5,300,-300,127.5,-128.5}", "float[]{1}", "int8[]{0}"});
    L.add("QuantizeLinear ties uint8", "QuantizeLinear", 13, {},
          {"float[8]{0.5,1.5,2.5,-0.5,-1.5,-2.5,300,-300}", "float[]{1}", "uint8[]{3}"});
    L.add("QuantizeLinear per axis", "QuantizeLinear", 13, {},
          {"float[2,3,4]~big", "float[3]{0.5,1,2}", "int8[3]{-1,0,4}"});
    L.add("QuantizeLinear per axis -1", "QuantizeLinear", 13, {"axis=-1"},
          {"float[2,3,4]~big", "float[4]{0.5,1,2,0.3}", "uint8[4]{1,0,128,255}"});
    L.add("QuantizeLinear int32 input", "QuantizeLinear", 13, {}, {"int32[6]~full", "float[]{3}", "int8[]{2}"});
    L.add("QuantizeLinear float16", "QuantizeLinear", 19, {}, {"float16[6]~big", "float16[]{0.5}", "uint8[]{10}"});
    L.add("QuantizeLinear blocked", "QuantizeLinear", 21, {"axis=1", "block_size=3"},
          {"float[2,6]~big", "float[2,2]{0.5,1,2,3}", "uint8[2,2]{1,2,3,4}"});
    L.add("QuantizeLinear int16", "QuantizeLinear", 21, {}, {"float[6]~big", "float[]{0.01}", "int16[]{-7}"});
    L.failing("QuantizeLinear bad scale shape", "QuantizeLinear", 13, {}, {"float[2,3]", "float[2]{1,2}"});
    L.add("DequantizeLinear uint8", "DequantizeLinear", 10, {}, {"uint8[3,4]~full", "float[]{0.7}", "uint8[]{128}"});
    L.add("DequantizeLinear int8", "DequantizeLinear", 13, {}, {"int8[3,4]~full", "float[]{0.3}", "int8[]{-5}"});
    L.add("DequantizeLinear no zero point", "DequantizeLinear", 13, {}, {"uint8[5]~full", "float[]{0.3}"});
    L.add("DequantizeLinear int32", "DequantizeLinear", 13, {}, {"int32[5]~full", "float[]{0.03}"});
    L.add("DequantizeLinear per axis", "DequantizeLinear", 13, {},
          {"int8[2,3,4]~full", "float[3]{0.5,1,2}", "int8[3]{-1,0,4}"});
    L.add("DequantizeLinear per axis 0", "DequantizeLinear", 13, {"axis=0"},
          {"uint8[2,3]~full", "float[2]{0.5,0.1}", "uint8[2]{7,200}"});
    L.add("DequantizeLinear float16", "DequantizeLinear", 19, {}, {"uint8[6]~full", "float16[]{0.05}", "uint8[]{10}"});
    L.add("DequantizeLinear blocked", "DequantizeLinear", 21, {"axis=1", "block_size=2"},
          {"int8[2,5]~full", "float[2,3]{0.5,1,2,3,0.1,0.2}", "int8[2,3]{1,2,3,4,5,6}"});
    L.add("DequantizeLinear int16", "DequantizeLinear", 21, {}, {"int16[6]~full", "float[]{0.01}", "int16[]{-7}"});
    L.add("DynamicQuantizeLinear", "DynamicQuantizeLinear", 11, {}, {"float[3,4]~big"}, 3);
    L.add("DynamicQuantizeLinear positive", "DynamicQuantizeLinear", 11, {}, {"float[3,4]~pos"}, 3);
    L.add("DynamicQuantizeLinear negative", "DynamicQuantizeLinear", 11, {}, {"float[4]{-1,-2.5,-0.25,-7}"}, 3);
    L.add("DynamicQuantizeLinear zeros", "DynamicQuantizeLinear", 11, {}, {"float[4]{0,0,0,0}"}, 3);
    L.add("DynamicQuantizeLinear empty", "DynamicQuantizeLinear", 11, {}, {"float[0,3]{}"}, 3);
    L.add("MatMulInteger uint8", "MatMulInteger", 10, {}, {"uint8[3,4]~full", "uint8[4,5]~full", "uint8[]{12}", "uint8[]{200}"});
    L.add("MatMulInteger no zero points", "MatMulInteger", 10, {}, {"uint8[2,3,4]~full", "uint8[4,5]~full"});
    L.add("MatMulInteger int8", "MatMulInteger", 10, {}, {"int8[3,4]~full", "int8[4,2]~full", "int8[]{-3}", "int8[]{5}"});
    // Small values: ONNX Runtime's uint8 x int8 path on x86 saturates pairs of products at int16.
    L.add("MatMulInteger uint8 int8", "MatMulInteger", 10, {}, {"uint8[3,4]", "int8[4,2]", "uint8[]{3}"});
    L.add("MatMulInteger per column", "MatMulInteger", 10, {},
          {"uint8[2,3,4]~full", "uint8[4,3]~full", "uint8[]{9}", "uint8[3]{1,100,255}"});
    L.add("MatMulInteger vectors", "MatMulInteger", 10, {}, {"uint8[4]~full", "uint8[4,3]~full"});
    L.add("ConvInteger", "ConvInteger", 10, {}, {"uint8[1,2,5,5]~full", "uint8[3,2,3,3]~full", "uint8[]{100}", "uint8[]{7}"});
    L.add("ConvInteger pads strides", "ConvInteger", 10, {"pads=[1,1,1,1]", "strides=[2,2]"},
          {"uint8[2,2,6,5]~full", "uint8[4,2,3,3]~full", "uint8[]{1}"});
    L.add("ConvInteger group dilations", "ConvInteger", 10, {"group=2", "dilations=[2,1]"},
          {"uint8[1,4,6,6]~full", "uint8[2,2,2,2]~full"});
    L.add("ConvInteger int8 weights", "ConvInteger", 10, {}, {"uint8[1,2,4,4]~full", "int8[2,2,2,2]~full", "uint8[]{4}", "int8[]{-2}"});
    L.add("QLinearMatMul uint8", "QLinearMatMul", 10, {},
          {"uint8[3,4]~full", "float[]{0.05}", "uint8[]{120}", "uint8[4,5]~full", "float[]{0.02}", "uint8[]{130}",
           "float[]{0.3}", "uint8[]{128}"});
    L.add("QLinearMatMul int8 batched", "QLinearMatMul", 10, {},
          {"int8[2,3,4]~full", "float[]{0.05}", "int8[]{-1}", "int8[4,5]~full", "float[]{0.02}", "int8[]{0}",
           "float[]{0.2}", "int8[]{-4}"});
    L.add("QLinearMatMul per column scale", "QLinearMatMul", 10, {},
          {"uint8[3,4]~full", "float[]{0.05}", "uint8[]{120}", "uint8[4,3]~full", "float[3]{0.02,0.01,0.04}",
           "uint8[3]{130,1,250}", "float[]{0.3}", "uint8[]{128}"});
    L.failing("ConvInteger bad group", "ConvInteger", 10, {"group=3"}, {"uint8[1,4,5,5]", "uint8[3,2,3,3]"});
    L.failing("MatMulInteger bad shapes", "MatMulInteger", 10, {}, {"uint8[3,4]", "uint8[5,2]"});
    L.add("QLinearConv uint8", "QLinearConv", 10, {"pads=[1,1,1,1]"},
          {"uint8[1,2,5,5]~full", "float[]{0.02}", "uint8[]{100}", "uint8[3,2,3,3]~full", "float[]{0.01}", "uint8[]{128}",
           "float[]{0.1}", "uint8[]{120}", "int32[3]{100,-2000,5}"});
    L.add("QLinearConv int8 per channel", "QLinearConv", 10, {"strides=[2,1]"},
          {"int8[2,2,5,4]~full", "float[]{0.02}", "int8[]{1}", "int8[3,2,2,2]~full", "float[3]{0.01,0.03,0.005}",
           "int8[3]{0,0,0}", "float[]{0.2}", "int8[]{-5}"});
    L.add("QLinearConv group", "QLinearConv", 10, {"group=2"},
          {"uint8[1,4,4,4]~full", "float[]{0.02}", "uint8[]{100}", "uint8[2,2,2,2]~full", "float[]{0.01}", "uint8[]{128}",
           "float[]{0.05}", "uint8[]{0}"});
    L.add("QLinearConv 1-D", "QLinearConv", 10, {},
          {"uint8[1,3,9]~full", "float[]{0.02}", "uint8[]{100}", "uint8[2,3,3]~full", "float[]{0.01}", "uint8[]{128}",
           "float[]{0.05}", "uint8[]{10}", "int32[2]{-5,5000}"});
}

void detectionCases(CaseList& L)
{
    // Boxes as corners in either order, overlapping clusters, equal scores (lower index first).
    const QString boxes = "float[1,6,4]{0,0,1,1, 0,0.1,1,1.1, 0,-0.1,1,0.9, 0,10,1,11, 1,10.1,0,11.1, 0,100,1,101}";
    const QString scores = "float[1,2,6]{0.9,0.75,0.6,0.95,0.5,0.3, 0.1,0.2,0.2,0.3,0.9,0.9}";
    L.add("NonMaxSuppression", "NonMaxSuppression", 11, {},
          {boxes, scores, "int64[1]{3}", "float[1]{0.5}", "float[1]{0.0}"});
    L.add("NonMaxSuppression no score threshold", "NonMaxSuppression", 11, {}, {boxes, scores, "int64[1]{6}", "float[1]{0.3}"});
    L.add("NonMaxSuppression no max", "NonMaxSuppression", 11, {}, {boxes, scores});
    L.add("NonMaxSuppression high score threshold", "NonMaxSuppression", 11, {},
          {boxes, scores, "int64[1]{10}", "float[1]{0.5}", "float[1]{0.7}"});
    L.add("NonMaxSuppression center boxes", "NonMaxSuppression", 11, {"center_point_box=1"},
          {"float[1,4,4]{0.5,0.5,1,1, 0.5,0.6,1,1, 0.5,0.4,1,1, 10.5,0.5,1,1}", "float[1,1,4]{0.9,0.75,0.6,0.95}",
           "int64[1]{3}", "float[1]{0.5}"});
    L.add("NonMaxSuppression random", "NonMaxSuppression", 11, {},
          {"float[2,20,4]~big", "float[2,3,20]~01", "int64[1]{5}", "float[1]{0.2}", "float[1]{0.3}"});
    L.add("RoiAlign avg", "RoiAlign", 16, {"output_height=3", "output_width=2", "spatial_scale=0.5"},
          {"float[2,3,8,9]", "float[4,4]{0,0,8,8, 2.5,1,13,15, -4,-3,6,5, 10,12,30,20}", "int64[4]{0,1,1,0}"});
    L.add("RoiAlign max", "RoiAlign", 16, {"mode='max'", "output_height=2", "output_width=3", "sampling_ratio=2"},
          {"float[1,2,6,7]", "float[3,4]{0,0,5,5, 1.5,1,6.5,4.2, 3,3,4,4}", "int64[3]{0,0,0}"});
    L.add("RoiAlign output_half_pixel", "RoiAlign", 16,
          {"coordinate_transformation_mode='output_half_pixel'", "output_height=2", "output_width=2"},
          {"float[1,2,6,7]", "float[2,4]{0,0,5,5, 1.5,1,2,1.5}", "int64[2]{0,0}"});
    L.add("RoiAlign opset 10", "RoiAlign", 10, {"output_height=2", "output_width=2", "sampling_ratio=1"},
          {"float[1,1,5,5]", "float[2,4]{0,0,4,4, 1,1,3.5,2}", "int64[2]{0,0}"});
    L.add("RoiAlign double", "RoiAlign", 16, {"output_height=2", "output_width=2"},
          {"double[1,2,5,5]", "double[1,4]{0.5,0.5,4,3}", "int64[1]{0}"});
    L.add("RoiAlign float16", "RoiAlign", 16, {"output_height=2", "output_width=2"},
          {"float16[1,2,5,5]", "float16[1,4]{0.5,0.5,4,3}", "int64[1]{0}"});
    L.add("MaxRoiPool", "MaxRoiPool", 1, {"pooled_shape=[2,3]", "spatial_scale=0.5"},
          {"float[2,3,8,9]", "float[3,5]{0,0,0,8,8, 1,2.5,1,13,15, 1,4,4,5,5}"});
}

void einsumCases(CaseList& L)
{
    struct E {
        const char* eq;
        QStringList inputs;
    };
    const E cases[] = {
        {"ij,jk->ik", {"float[3,4]", "float[4,5]"}},
        {"bij,bjk->bik", {"float[2,3,4]", "float[2,4,5]"}},
        {"bhid,bhjd->bhij", {"float[1,2,3,4]", "float[1,2,5,4]"}},
        {"ij->ji", {"float[3,4]"}},
        {"ii->i", {"float[4,4]"}},
        {"ii", {"float[4,4]"}},
        {"ij->", {"float[3,4]"}},
        {"i,i->", {"float[5]", "float[5]"}},
        {"i,j->ij", {"float[3]", "float[4]"}},
        {"ij,kj", {"float[3,4]", "float[5,4]"}},
        {"...ij,...jk->...ik", {"float[2,3,4]", "float[2,4,5]"}},
        {"...i,...i", {"float[2,3,4]", "float[2,3,4]"}},
        {"b...,b->...", {"float[2,3,4]", "float[2]"}},
        {"ij,jk,kl->il", {"float[2,3]", "float[3,4]", "float[4,2]"}},
        {"Ab,bC->AC", {"float[2,3]", "float[3,4]"}},
        {"i j , j k -> i k", {"float[2,3]", "float[3,2]"}},
    };
    for (const E& e : cases)
        L.add(QString("Einsum %1").arg(e.eq), "Einsum", 12, {QString("equation='%1'").arg(e.eq)}, e.inputs);
    L.add("Einsum double", "Einsum", 12, {"equation='ij,jk->ik'"}, {"double[3,4]", "double[4,2]"});
    L.add("Einsum float16", "Einsum", 12, {"equation='ij,jk->ik'"}, {"float16[3,4]", "float16[4,2]"});
    L.add("Einsum int32", "Einsum", 12, {"equation='ij,jk->ik'"}, {"int32[3,4]", "int32[4,2]"});
    L.add("Einsum int64 trace", "Einsum", 12, {"equation='ii->'"}, {"int64[3,3]"});
    L.failing("Einsum bad sizes", "Einsum", 12, {"equation='ij,jk->ik'"}, {"float[3,4]", "float[5,2]"});
}

void gridSampleCases(CaseList& L)
{
    for (const QString mode : {"bilinear", "nearest", "bicubic"})
        for (const QString pad : {"zeros", "border", "reflection"})
            for (int align : {0, 1})
                L.add(QString("GridSample %1 %2 align %3").arg(mode, pad).arg(align), "GridSample", 16,
                      {"mode='" + mode + "'", "padding_mode='" + pad + "'", "align_corners=" + QString::number(align)},
                      {"float[2,3,4,5]", "float[2,6,7,2]~big"})
                    .inputs[1] = "float[2,6,7,2]";
    L.add("GridSample far outside", "GridSample", 16, {"padding_mode='reflection'"},
          {"float[1,1,3,4]", "float[1,1,6,2]{-3.3,0.2, 2.7,-1.9, 5.1,4.4, -1.0,1.0, 1.0,-1.0, 0.0,0.0}"});
    for (const QString mode : {"bilinear", "nearest", "bicubic"})
        L.add("GridSample many folds " + mode, "GridSample", 16, {"mode='" + mode + "'", "padding_mode='reflection'"},
              {"float[1,1,3,4]", "float[1,1,4,2]{-123.4,0.2, 54.7,-1.9, 0.3,98.6, -77.7,-88.8}"});
    L.add("GridSample nearest halves", "GridSample", 16, {"mode='nearest'", "align_corners=1"},
          {"float[1,1,3,3]", "float[1,1,4,2]{-0.5,-0.5, 0.5,0.5, 0,0.5, 1,1}"});
    L.add("GridSample double", "GridSample", 16, {}, {"double[1,2,4,4]", "double[1,3,3,2]"});
    L.add("GridSample float16", "GridSample", 16, {}, {"float16[1,2,4,4]", "float16[1,3,3,2]~small"});
}

void signalCases(CaseList& L)
{
    L.add("DFT real", "DFT", 17, {}, {"float[2,8,1]"});
    L.add("DFT complex", "DFT", 17, {}, {"float[2,7,2]"});
    L.add("DFT inverse", "DFT", 17, {"inverse=1"}, {"float[2,8,2]"});
    L.add("DFT onesided", "DFT", 17, {"onesided=1"}, {"float[3,9,1]"});
    L.add("DFT padded", "DFT", 17, {}, {"float[2,6,1]", "int64[]{10}"});
    L.add("DFT truncated", "DFT", 17, {}, {"float[2,9,2]", "int64[]{5}"});
    L.add("DFT axis 2", "DFT", 17, {"axis=2"}, {"float[2,3,5,2]"});
    L.add("DFT double", "DFT", 17, {}, {"double[1,16,1]"});
    L.add("DFT float16", "DFT", 17, {}, {"float16[1,8,1]~small"}).atol = 1e-2;
    L.add("STFT window", "STFT", 17, {}, {"float[2,64,1]", "int64[]{8}", "float[16]~01", "int64[]{16}"});
    L.add("STFT window only", "STFT", 17, {}, {"float[1,50,1]", "int64[]{7}", "float[12]~01"});
    L.add("STFT frame_length only", "STFT", 17, {}, {"float[2,40,1]", "int64[]{10}", "", "int64[]{16}"});
    L.add("STFT two-sided", "STFT", 17, {"onesided=0"}, {"float[1,32,1]", "int64[]{4}", "float[8]~01"});
    // Not compared: a complex signal (ONNX Runtime 1.x returns values around 1e21 for it).
    L.add("STFT double", "STFT", 17, {}, {"double[1,32,1]", "int64[]{4}", "double[8]~01"});
    for (const QString op : {"HannWindow", "HammingWindow", "BlackmanWindow"}) {
        L.add(op + " periodic", op, 17, {}, {"int64[]{10}"});
        L.add(op + " symmetric", op, 17, {"periodic=0"}, {"int32[]{9}"});
        L.add(op + " double", op, 17, {"output_datatype=11"}, {"int64[]{16}"});
        L.add(op + " one", op, 17, {"periodic=0"}, {"int64[]{1}"});
    }
    L.add("MelWeightMatrix", "MelWeightMatrix", 17, {},
          {"int64[]{8}", "int64[]{16}", "int64[]{8192}", "float[]{0}", "float[]{4096}"});
    L.add("MelWeightMatrix speech", "MelWeightMatrix", 17, {},
          {"int64[]{40}", "int64[]{512}", "int64[]{16000}", "float[]{20}", "float[]{7600}"});
    L.add("MelWeightMatrix double", "MelWeightMatrix", 17, {"output_datatype=11"},
          {"int32[]{10}", "int32[]{64}", "int32[]{8000}", "float[]{100}", "float[]{3000}"});
}

void miscCases(CaseList& L)
{
    L.add("Shrink", "Shrink", 9, {}, {"float[10]"});
    L.add("Shrink attrs", "Shrink", 9, {"lambd=1.5", "bias=0.5"}, {"float[3,4]"});
    L.add("Shrink int32", "Shrink", 9, {"lambd=2.0", "bias=1.0"}, {"int32[10]"});
    L.add("Shrink float16", "Shrink", 9, {}, {"float16[10]"});
    L.add("Compress axis 0", "Compress", 11, {"axis=0"}, {"float[3,2]", "bool[3]{0,1,1}"});
    L.add("Compress axis 1 short", "Compress", 11, {"axis=1"}, {"float[3,4]", "bool[2]{1,1}"});
    L.add("Compress flat", "Compress", 11, {}, {"int64[2,3]", "bool[5]{1,0,1,0,1}"});
    L.add("Compress axis -1", "Compress", 11, {"axis=-1"}, {"float[2,3,4]", "bool[4]{0,1,0,1}"});
    L.add("ReverseSequence time major", "ReverseSequence", 10, {}, {"float[4,3,2]", "int64[3]{4,2,1}"});
    L.add("ReverseSequence batch major", "ReverseSequence", 10, {"batch_axis=0", "time_axis=1"},
          {"int32[3,4]", "int64[3]{1,3,4}"});
    L.add("Det", "Det", 11, {}, {"float[3,3]"});
    L.add("Det batched", "Det", 11, {}, {"float[2,4,4,4]"});
    L.add("Det singular", "Det", 11, {}, {"float[2,2]{1,2,2,4}"});
    L.add("Det double", "Det", 11, {}, {"double[5,5]"});
    L.add("LpNormalization", "LpNormalization", 1, {}, {"float[3,4]"});
    L.add("LpNormalization p1 axis 0", "LpNormalization", 1, {"p=1", "axis=0"}, {"float[3,4,2]"});
    L.add("GlobalLpPool", "GlobalLpPool", 2, {}, {"float[2,3,4,5]"});
    L.add("GlobalLpPool p1", "GlobalLpPool", 2, {"p=1"}, {"float[1,2,5]"});
    L.add("GlobalLpPool p3", "GlobalLpPool", 2, {"p=3"}, {"float[1,2,3,3]"});
    L.add("LpPool", "LpPool", 11, {"kernel_shape=[2,2]"}, {"float[1,2,5,5]"});
    L.add("LpPool pads strides p1", "LpPool", 11, {"kernel_shape=[3,2]", "pads=[1,0,1,1]", "strides=[2,1]", "p=1"},
          {"float[2,1,5,6]"});
    L.add("LpPool same upper", "LpPool", 11, {"kernel_shape=[3]", "auto_pad='SAME_UPPER'"}, {"float[1,2,7]"});
    L.add("LpPool opset 18 dilations ceil", "LpPool", 18, {"kernel_shape=[2,2]", "dilations=[2,1]", "ceil_mode=1", "strides=[2,2]"},
          {"float[1,1,6,7]"});
    L.add("MaxUnpool", "MaxUnpool", 11, {"kernel_shape=[2,2]", "strides=[2,2]"},
          {"float[1,1,2,2]", "int64[1,1,2,2]{5,7,13,15}"});
    L.add("MaxUnpool output_shape", "MaxUnpool", 11, {"kernel_shape=[2,2]", "strides=[2,2]"},
          {"float[1,1,2,2]", "int64[1,1,2,2]{5,7,13,15}", "int64[4]{1,1,5,5}"});
    L.add("MaxUnpool pads", "MaxUnpool", 11, {"kernel_shape=[3]", "strides=[2]", "pads=[1,1]"},
          {"float[2,1,3]", "int64[2,1,3]{0,2,4,5,6,9}"});
    L.add("MeanVarianceNormalization", "MeanVarianceNormalization", 13, {}, {"float[2,3,4,5]"});
    L.add("MeanVarianceNormalization axes", "MeanVarianceNormalization", 13, {"axes=[1]"}, {"float[2,3,4]"});
    L.add("MeanVarianceNormalization opset 9", "MeanVarianceNormalization", 9, {"axes=[0,1]"}, {"float[3,4]"});
    L.add("Unique sorted", "Unique", 11, {}, {"float[2,5]~int"}, 4);
    L.add("Unique unsorted", "Unique", 11, {"sorted=0"}, {"int64[12]"}, 4);
    L.add("Unique axis 0", "Unique", 11, {"axis=0"}, {"int64[4,2]{1,2,0,3,1,2,0,1}"}, 4);
    L.add("Unique axis 1 unsorted", "Unique", 11, {"axis=1", "sorted=0"}, {"float[2,4]{1,0,1,3,2,5,2,3}"}, 4);
    L.add("Unique one output", "Unique", 11, {}, {"int8[8]"});
    L.add("NegativeLogLikelihoodLoss", "NegativeLogLikelihoodLoss", 13, {}, {"float[3,5]", "int64[3]{0,4,2}"});
    L.add("NegativeLogLikelihoodLoss sum weight", "NegativeLogLikelihoodLoss", 13, {"reduction='sum'"},
          {"float[3,5]", "int64[3]{0,4,2}", "float[5]~pos"});
    L.add("NegativeLogLikelihoodLoss none ignore", "NegativeLogLikelihoodLoss", 13, {"reduction='none'", "ignore_index=1"},
          {"float[2,3,4]", "int64[2,4]{0,1,2,1,2,2,0,1}"});
    L.add("NegativeLogLikelihoodLoss mean weight ignore", "NegativeLogLikelihoodLoss", 13, {"ignore_index=-1"},
          {"float[2,3,2]", "int32[2,2]{0,-1,2,1}", "float[3]~pos"});
    L.add("SoftmaxCrossEntropyLoss", "SoftmaxCrossEntropyLoss", 13, {}, {"float[3,5]", "int64[3]{0,4,2}"}, 2);
    L.add("SoftmaxCrossEntropyLoss none weight", "SoftmaxCrossEntropyLoss", 13, {"reduction='none'"},
          {"float[2,3,4]", "int64[2,4]{0,1,2,1,2,2,0,1}", "float[3]~pos"}, 2);
    L.add("SoftmaxCrossEntropyLoss sum ignore", "SoftmaxCrossEntropyLoss", 13, {"reduction='sum'", "ignore_index=2"},
          {"float[3,4]", "int64[3]{2,1,3}"});
}

/// Float cases of the older kernels, for the float16/bfloat16 sweep only.
void olderKernelCases(CaseList& L)
{
    auto add = [&](const QString& name, const QString& op, int opset, const QStringList& attrs, const QStringList& inputs,
                   int outputs = 1) { L.add("older " + name, op, opset, attrs, inputs, outputs).sweepOnly = true; };
    for (const char* op : {"Add", "Sub", "Mul", "Div", "Max", "Min", "Sum", "Mean", "Pow", "PRelu", "Equal", "Less",
                           "Greater", "LessOrEqual", "GreaterOrEqual", "Mod"})
        add(op, op, 16, QString(op) == "Mod" ? QStringList{"fmod=1"} : QStringList{}, {"float[2,3]~pos", "float[3]~pos"});
    for (const char* op : {"Abs", "Neg", "Sqrt", "Reciprocal", "Exp", "Log", "Floor", "Ceil", "Round", "Relu", "Sigmoid",
                           "Tanh", "Erf", "Sin", "Cos", "Tan", "Atan", "Sinh", "Cosh", "Asinh", "Softplus", "Softsign",
                           "HardSwish", "Elu", "Selu", "Celu", "LeakyRelu", "HardSigmoid", "ThresholdedRelu", "IsNaN",
                           "IsInf", "Sign", "Softmax", "LogSoftmax", "Hardmax", "Identity", "Mish", "Gelu", "Shape",
                           "Size", "NonZero", "Dropout"})
        add(op, op, QString(op) == "Mish" ? 18 : QString(op) == "Gelu" ? 20 : 13, {}, {"float[2,3]~pos"});
    add("Clip", "Clip", 13, {}, {"float[10]", "float[]{-0.5}", "float[]{0.5}"});
    add("Cast", "Cast", 13, {"to=1"}, {"float[5]"});
    add("CastLike", "CastLike", 15, {}, {"float[5]", "float[1]"});
    add("Where", "Where", 16, {}, {"bool[2,3]", "float[2,3]", "float[3]"});
    add("MatMul", "MatMul", 13, {}, {"float[2,3,4]", "float[4,5]"});
    add("Gemm", "Gemm", 13, {"transB=1", "alpha=0.5"}, {"float[3,4]", "float[5,4]", "float[5]"});
    add("Conv", "Conv", 11, {"pads=[1,1,1,1]"}, {"float[1,2,5,5]", "float[3,2,3,3]", "float[3]"});
    add("ConvTranspose", "ConvTranspose", 11, {"strides=[2,2]"}, {"float[1,2,3,3]", "float[2,3,3,3]"});
    add("MaxPool", "MaxPool", 12, {"kernel_shape=[2,2]"}, {"float[1,2,5,5]"}, 2);
    add("AveragePool", "AveragePool", 11, {"kernel_shape=[3,3]", "pads=[1,1,1,1]"}, {"float[1,2,5,5]"});
    add("GlobalAveragePool", "GlobalAveragePool", 1, {}, {"float[1,2,5,5]"});
    add("GlobalMaxPool", "GlobalMaxPool", 1, {}, {"float[1,2,5,5]"});
    add("BatchNormalization", "BatchNormalization", 15, {}, {"float[2,3,4]", "float[3]", "float[3]", "float[3]", "float[3]~pos"});
    add("InstanceNormalization", "InstanceNormalization", 6, {}, {"float[2,3,4]", "float[3]", "float[3]"});
    add("LayerNormalization", "LayerNormalization", 17, {}, {"float[2,3,8]", "float[8]", "float[8]"});
    add("LRN", "LRN", 13, {"size=3"}, {"float[1,4,3,3]"});
    add("Resize", "Resize", 13, {"mode='linear'"}, {"float[1,1,3,4]", "", "float[4]{1,1,2,1.5}"});
    add("Upsample", "Upsample", 9, {}, {"float[1,1,2,3]", "float[4]{1,1,2,2}"});
    for (const char* op : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                           "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin"})
        add(op, op, 11, {"axes=[1]"}, {"float[2,3,4]~pos"});
    add("CumSum", "CumSum", 14, {}, {"float[3,4]", "int64[]{1}"});
    add("TopK", "TopK", 11, {}, {"float[3,5]", "int64[1]{2}"}, 2);
    add("Transpose", "Transpose", 13, {"perm=[1,0]"}, {"float[3,4]"});
    add("Reshape", "Reshape", 14, {}, {"float[2,3]", "int64[1]{6}"});
    add("Concat", "Concat", 13, {"axis=0"}, {"float[2,3]", "float[1,3]"});
    add("Split", "Split", 13, {}, {"float[4,3]"}, 2);
    add("Slice", "Slice", 13, {}, {"float[6,4]", "int64[1]{1}", "int64[1]{5}"});
    add("Gather", "Gather", 13, {}, {"float[5,3]", "int64[2]{0,4}"});
    add("GatherElements", "GatherElements", 13, {}, {"float[3,3]", "int64[2,3]{0,1,2,2,1,0}"});
    add("GatherND", "GatherND", 13, {}, {"float[2,3]", "int64[2,2]{0,1,1,2}"});
    add("ScatterND", "ScatterND", 13, {}, {"float[4,3]", "int64[1,1]{2}", "float[1,3]"});
    add("ScatterElements", "ScatterElements", 13, {}, {"float[3,3]", "int64[1,3]{2,0,1}", "float[1,3]"});
    add("Pad", "Pad", 13, {"mode='reflect'"}, {"float[3,4]", "int64[4]{1,1,1,1}"});
    add("Expand", "Expand", 13, {}, {"float[3,1]", "int64[2]{3,4}"});
    add("Tile", "Tile", 13, {}, {"float[2,3]", "int64[2]{2,1}"});
    add("Trilu", "Trilu", 14, {}, {"float[3,4]"});
    add("OneHot", "OneHot", 11, {}, {"int64[3]{0,2,1}", "int64[]{3}", "float[2]{0,1}"});
    add("EyeLike", "EyeLike", 9, {}, {"float[3,3]"});
    add("DepthToSpace", "DepthToSpace", 13, {"blocksize=2"}, {"float[1,4,2,2]"});
    add("SpaceToDepth", "SpaceToDepth", 13, {"blocksize=2"}, {"float[1,1,4,4]"});
    add("Range", "Range", 11, {}, {"float[]{0.5}", "float[]{3}", "float[]{0.5}"});
    add("ConstantOfShape", "ConstantOfShape", 9, {"value=tensor:float[1]{2.5}"}, {"int64[1]{4}"});
}

std::vector<OrtCase> allCases()
{
    CaseList L;
    recurrentCases(L);
    quantCases(L);
    detectionCases(L);
    einsumCases(L);
    gridSampleCases(L);
    signalCases(L);
    miscCases(L);
    olderKernelCases(L);
    // Real exporter output (tests/data/make_rnn_models.py): PyTorch's LSTM, GRU and RNN.
    L.model("model speech_rnn.onnx", dataPath("speech_rnn.onnx"), 9);
    return L.take();
}

} // namespace

class TestEvalOrt2 : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { m_ort.run(allCases); }
    void compare_data() { m_ort.addRows(); }
    void compare() { m_ort.compare(); }
    void halfTypes_data();
    void halfTypes();
    void cleanupTestCase() { m_ort.logSkipped(); }

private:
    // Inputs from std::mt19937(2000 + qHash(name) % 100000); ONNX Runtime lacks some double kernels.
    OrtComparison m_ort{OrtSuiteOptions{2000u, true, true}};
};

/// Every float case of this suite again with float16 and bfloat16 in place of float (inputs rounded
/// to the half type first, so both runs see the same values): netfold must evaluate it and agree with
/// its float result within the half type's precision. ONNX Runtime's Node.js API cannot feed bfloat16,
/// and has few float16 kernels, so this is netfold against itself.
void TestEvalOrt2::halfTypes_data()
{
    QTest::addColumn<QString>("half");
    QTest::newRow("float16") << "float16";
    QTest::newRow("bfloat16") << "bfloat16";
}

void TestEvalOrt2::halfTypes()
{
    QFETCH(QString, half);
    const int32_t halfType = dtypeFromName(half.toStdString());
    QStringList failures;
    int compared = 0;
    for (const OrtCase& c : allCases()) {
        if (!c.modelFile.isEmpty() || c.bothFail || c.ortLayout0)
            continue;
        if (!std::any_of(c.inputs.begin(), c.inputs.end(), [](const QString& s) { return s.startsWith("float["); }))
            continue;
        std::mt19937 rng(3000u + static_cast<unsigned>(qHash(c.name) % 100000u));
        std::vector<TensorPtr> asFloat, asHalf;
        for (const QString& spec : c.inputs) {
            if (spec.isEmpty()) {
                asFloat.push_back(nullptr);
                asHalf.push_back(nullptr);
                continue;
            }
            TensorPtr t = spec.contains('{') ? parseTensor(spec) : randomTensor(spec, rng);
            if (t->dtype() != dtype::Float) {
                asFloat.push_back(t);
                asHalf.push_back(t);
                continue;
            }
            const TensorPtr h = Tensor::fromDoubles(halfType, t->dims(), t->toDouble());
            asHalf.push_back(h);
            asFloat.push_back(Tensor::fromDoubles(dtype::Float, t->dims(), h->toDouble()));
        }
        QStringList attrs = c.attrs;
        for (QString& a : attrs) // output_datatype / to attributes that name float
            if (a == "output_datatype=1")
                a = "output_datatype=" + QString::number(halfType);
        Node n = makeNode(c.op, {}, std::vector<bool>(std::size_t(c.inputs.size()), true), int(c.outputs.size()));
        auto proto = std::make_shared<onnx::NodeProto>(*n.proto);
        for (const auto& a : attrs)
            addAttr(*proto, a);
        n.proto = proto;
        for (std::size_t i = 0; i < n.inputs.size(); ++i)
            if (!asFloat[i])
                n.inputs[i].clear();
        for (int i = 0; i < c.outputs.size(); ++i)
            if (c.outputs[i].isEmpty())
                n.outputs[std::size_t(i)].clear();
        std::vector<TensorPtr> expected;
        try {
            expected = evaluateNode(n, asFloat, c.opset);
        } catch (const Error&) {
            continue; // cases that fail in float too
        }
        try {
            const auto actual = evaluateNode(n, asHalf, c.opset);
            ++compared;
            for (std::size_t i = 0; i < expected.size(); ++i) {
                if (!expected[i])
                    continue;
                TensorPtr e = expected[i];
                if (e->dtype() == dtype::Float && actual[i]->dtype() == halfType)
                    e = Tensor::fromDoubles(halfType, e->dims(), e->toDouble());
                double scale = 0;
                for (int64_t k = 0; k < e->numel() && isFloatType(e->dtype()); ++k)
                    scale = std::max(scale, std::isfinite(e->at(k)) ? std::fabs(e->at(k)) : 0.0);
                const double tol = halfType == dtype::BFloat16 ? 2e-2 : 4e-3;
                const QString diff = compareTensors(*e, *actual[i], tol, tol * std::max(1.0, scale));
                if (!diff.isEmpty())
                    failures << c.name + ": output " + QString::number(i) + ": " + diff;
            }
        } catch (const Error& e) {
            failures << c.name + ": " + QString::fromUtf8(e.what());
        }
    }
    qInfo("%d cases compared in %s", compared, qPrintable(half));
    QVERIFY(compared > 100);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join("\n")));
}

QTEST_GUILESS_MAIN(TestEvalOrt2)
#include "tst_eval_ort2.moc"
