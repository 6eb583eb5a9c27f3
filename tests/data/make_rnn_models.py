#!/usr/bin/python3
"""Makes speech_rnn.onnx: a small speech-style recurrent model exported by PyTorch's ONNX exporter
(torch.onnx.export, opset 14) -- a 2-layer bidirectional LSTM, a GRU and a tanh RNN over a
[batch, time, features] input with a symbolic time axis, as PyTorch emits them (LSTM/GRU/RNN
nodes with Transposes, Squeezes and Concats around them). Fixed seed; run with Debian's python3
(python3-torch). tests/tst_eval_ort2.cpp evaluates it with netfold and ONNX Runtime."""
import os
import torch

torch.manual_seed(7)


class SpeechRnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(16, 12, num_layers=2, bidirectional=True, batch_first=True)
        self.gru = torch.nn.GRU(24, 8, batch_first=True)
        self.rnn = torch.nn.RNN(8, 6, batch_first=True)
        self.head = torch.nn.Linear(6, 5)

    def forward(self, x):
        y, _ = self.lstm(x)
        y, _ = self.gru(y)
        y, h = self.rnn(y)
        return torch.log_softmax(self.head(y), dim=-1), h


model = SpeechRnn().eval()
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "speech_rnn.onnx")
torch.onnx.export(model, torch.randn(1, 20, 16), out, opset_version=14, input_names=["features"],
                  output_names=["log_probs", "h"], dynamic_axes={"features": {1: "time"}, "log_probs": {1: "time"}})
print("wrote", out)
