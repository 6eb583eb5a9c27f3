#include "TensorView.h"

#include "HistogramWidget.h"
#include "TensorTableModel.h"

#include "model/DataType.h"
#include "util/Error.h"
#include "model/ModelSummary.h"
#include "model/Npy.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QRegularExpression>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QThreadPool>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrent>

#include <algorithm>
#include <climits>
#include <cmath>

namespace netfold {

/// What the background job hands back.
struct TensorView::Result {
    TensorStats stats;
    QString error;
};

namespace {

/// Tensors up to this size are decoded on the GUI thread when shown (it takes well under a frame).
constexpr std::size_t kSyncDecodeBytes = 8u << 20;
constexpr int kProgressMax = 1000;

QString shapeText(const std::vector<int64_t>& dims)
{
    QStringList parts;
    for (int64_t d : dims)
        parts << QString::number(d);
    return "[" + parts.join(", ") + "]";
}

QString typedField(int32_t dt)
{
    switch (dt) {
    case dtype::Float: return "float_data";
    case dtype::Double: return "double_data";
    case dtype::Int64: return "int64_data";
    case dtype::UInt32: case dtype::UInt64: return "uint64_data";
    case dtype::String: return "string_data";
    default: return "int32_data";
    }
}

QLabel* sectionLabel(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text.toUpper(), parent);
    QFont f = l->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 0.8);
    f.setLetterSpacing(QFont::PercentageSpacing, 108);
    l->setFont(f);
    l->setStyleSheet("color: palette(placeholder-text); margin-top: 6px;");
    return l;
}

QLabel* valueLabel(QWidget* parent)
{
    auto* l = new QLabel(parent);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setWordWrap(true);
    return l;
}

QString count(int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

/// Tensor jobs get their own threads, so a long layout on the global pool does not hold them up.
QThreadPool* tensorPool()
{
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool(QCoreApplication::instance());
        p->setMaxThreadCount(2);
        p->setExpiryTimeout(30000);
        return p;
    }();
    return pool;
}

bool decodable(const Tensor& t) { return t.dtype() == dtype::String || isDecodableType(t.dtype()); }

/// Decodes t (strings or bytes); throws Error. A weight in an external data file is not
/// decoded (the table and the statistics read it from the file in pieces); only its first
/// element is read, which checks that the file is there and long enough.
void decode(const Tensor& t)
{
    if (t.dtype() == dtype::String) {
        t.strings();
    } else if (t.readsFromFile()) {
        uint8_t first[16];
        t.readBytes(0, std::min<std::size_t>(t.byteSize(), dtypeSize(t.dtype())), first);
    } else {
        t.bytes();
    }
}

} // namespace

TensorView::TensorView(QWidget* parent) : QWidget(parent)
{
    buildUi();
    setTensor(nullptr);
}

TensorView::~TensorView()
{
    if (m_watcher) {
        m_watcher->disconnect(this);
        m_watcher->cancel();
    }
}

TensorView* TensorView::openWindow(TensorPtr tensor, const QString& name, QWidget* parent)
{
    auto* view = new TensorView(parent);
    view->setWindowFlag(Qt::Window);
    view->setAttribute(Qt::WA_DeleteOnClose);
    view->resize(980, 620);
    view->setTensor(std::move(tensor), name);
    auto* close = new QShortcut(QKeySequence(Qt::Key_Escape), view);
    connect(close, &QShortcut::activated, view, &QWidget::close);
    view->show();
    return view;
}

void TensorView::buildUi()
{
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(10, 8, 10, 8);
    root->setSpacing(6);

    m_title = new QLabel(this);
    QFont tf = m_title->font();
    tf.setBold(true);
    tf.setPointSizeF(tf.pointSizeF() * 1.25);
    m_title->setFont(tf);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subtitle = new QLabel(this);
    m_subtitle->setStyleSheet("color: palette(placeholder-text);");
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* header = new QVBoxLayout;
    header->setSpacing(0);
    header->addWidget(m_title);
    header->addWidget(m_subtitle);
    root->addLayout(header);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setChildrenCollapsible(false);
    root->addWidget(split, 1);

    auto* left = new QWidget(split);
    auto* lv = new QVBoxLayout(left);
    lv->setContentsMargins(0, 0, 8, 0);
    lv->setSpacing(3);
    lv->addWidget(sectionLabel(tr("Tensor"), left));
    m_info = new QFormLayout;
    m_info->setHorizontalSpacing(12);
    m_info->setVerticalSpacing(2);
    m_info->setLabelAlignment(Qt::AlignLeft);
    m_info->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (const QString& label : {tr("Type"), tr("Shape"), tr("Elements"), tr("Size"), tr("Storage")})
        m_info->addRow(label, valueLabel(left));
    lv->addLayout(m_info);

    lv->addWidget(sectionLabel(tr("Statistics"), left));
    m_statsForm = new QFormLayout;
    m_statsForm->setHorizontalSpacing(12);
    m_statsForm->setVerticalSpacing(2);
    m_statsForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (const QString& label : {tr("Min"), tr("Max"), tr("Mean"), tr("Std"), tr("Zeros"), tr("NaN"), tr("Inf")}) {
        auto* l = valueLabel(left);
        m_statLabels << l;
        m_statsForm->addRow(label, l);
    }
    lv->addLayout(m_statsForm);
    m_progress = new QProgressBar(left);
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(6);
    m_progress->setRange(0, kProgressMax);
    m_statusLabel = new QLabel(left);
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setStyleSheet("color: palette(placeholder-text);");
    lv->addWidget(m_progress);
    lv->addWidget(m_statusLabel);
    lv->addWidget(sectionLabel(tr("Histogram"), left));
    m_histogram = new HistogramWidget(left);
    m_histogram->setMinimumHeight(110);
    m_histogram->setMaximumHeight(170);
    lv->addWidget(m_histogram);
    lv->addStretch(1);
    left->setMinimumWidth(240);

    auto* right = new QWidget(split);
    auto* rv = new QVBoxLayout(right);
    rv->setContentsMargins(8, 0, 0, 0);
    rv->setSpacing(4);
    auto* axes = new QHBoxLayout;
    axes->setSpacing(6);
    m_rowCombo = new QComboBox(right);
    m_columnCombo = new QComboBox(right);
    m_rowCombo->setToolTip(tr("The axis that runs down the table"));
    m_columnCombo->setToolTip(tr("The axis that runs across the table"));
    m_wrapSpin = new QSpinBox(right);
    m_wrapSpin->setRange(1, 4096);
    m_wrapSpin->setToolTip(tr("Lay the values out over this many columns"));
    m_wrapLabel = new QLabel(tr("Per row"), right);
    axes->addWidget(new QLabel(tr("Rows"), right));
    axes->addWidget(m_rowCombo);
    axes->addSpacing(8);
    axes->addWidget(new QLabel(tr("Columns"), right));
    axes->addWidget(m_columnCombo);
    axes->addSpacing(8);
    axes->addWidget(m_wrapLabel);
    axes->addWidget(m_wrapSpin);
    axes->addStretch(1);
    rv->addLayout(axes);
    m_sliceBox = new QWidget(right);
    m_sliceLayout = new QGridLayout(m_sliceBox);
    m_sliceLayout->setContentsMargins(0, 0, 0, 0);
    m_sliceLayout->setHorizontalSpacing(6);
    m_sliceLayout->setVerticalSpacing(3);
    rv->addWidget(m_sliceBox);

    m_model = new TensorTableModel(this);
    m_table = new QTableView(right);
    m_table->setModel(m_model);
    m_table->setWordWrap(false);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->verticalHeader()->setDefaultAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setHighlightSections(true);
    rv->addWidget(m_table, 1);
    m_note = new QLabel(right);
    m_note->setWordWrap(true);
    m_note->setStyleSheet("color: palette(placeholder-text);");
    rv->addWidget(m_note);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setSizes({280, 680});

    auto* copy = new QAction(tr("Copy"), m_table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copy, &QAction::triggered, this, [this] { copySelection(); });
    m_table->addAction(copy);

    auto* buttons = new QHBoxLayout;
    m_copyButton = new QPushButton(tr("Copy"), this);
    m_copyButton->setToolTip(tr("Copy the selected cells, tab-separated (Ctrl+C)"));
    m_saveButton = new QPushButton(tr("Save as .npy\u2026"), this);
    buttons->addWidget(m_copyButton);
    buttons->addWidget(m_saveButton);
    buttons->addStretch(1);
    root->addLayout(buttons);
    connect(m_copyButton, &QPushButton::clicked, this, [this] { copySelection(); });
    connect(m_saveButton, &QPushButton::clicked, this, &TensorView::chooseSaveFile);

    connect(m_rowCombo, qOverload<int>(&QComboBox::activated), this, &TensorView::onAxisCombo);
    connect(m_columnCombo, qOverload<int>(&QComboBox::activated), this, &TensorView::onAxisCombo);
    connect(m_wrapSpin, qOverload<int>(&QSpinBox::valueChanged), this, [this](int v) {
        if (!m_updatingControls) {
            m_model->setWrap(v);
            updateNotes();
        }
    });
}

void TensorView::setTensor(TensorPtr tensor, const QString& name)
{
    if (m_watcher) {
        m_watcher->disconnect(this);
        m_watcher->cancel();
        m_watcher.reset();
    }
    m_tensor = std::move(tensor);
    m_name = name;
    m_stats = TensorStats();
    m_statsReady = false;
    m_error.clear();

    bool ready = false;
    if (m_tensor && decodable(*m_tensor)
        && (m_tensor->readsFromFile()
            || (m_tensor->byteSize() <= kSyncDecodeBytes && (m_tensor->dtype() != dtype::String || m_tensor->numel() <= 100000)))) {
        try {
            decode(*m_tensor);
            ready = true;
        } catch (const std::exception& e) {
            m_error = QString::fromStdString(e.what());
        }
    }
    m_model->setTensor(m_tensor, ready);
    const int32_t dt = m_tensor ? m_tensor->dtype() : dtype::Float;
    // Wide enough for the longest shortest-round-trip form of the dtype ("-0.00010423412" for float).
    const int cell = dt == dtype::String                         ? 28
                     : dt == dtype::Double                       ? 23
                     : dt == dtype::Int64 || dt == dtype::UInt64 ? 20
                     : dt == dtype::Float                        ? 14
                     : dt == dtype::Bool || dtypeSize(dt) == 1   ? 6
                                                                 : 11;
    m_table->horizontalHeader()->setDefaultSectionSize(m_table->fontMetrics().horizontalAdvance('0') * cell + 12);
    setWindowTitle(m_tensor ? tr("%1 \u2014 Tensor").arg(name.isEmpty() ? tr("Tensor") : name) : tr("Tensor"));
    showInfo();
    rebuildAxisControls();
    m_histogram->setMessage(QString());
    for (QLabel* l : m_statLabels)
        l->clear();
    m_progress->hide();
    m_statusLabel->clear();

    if (!m_tensor) {
        updateNotes();
        return;
    }
    if (!m_error.isEmpty()) {
        m_statusLabel->setText(m_error);
        m_histogram->setMessage(tr("No data"));
        updateNotes();
        emit failed(m_error);
        return;
    }
    if (!decodable(*m_tensor)) {
        m_error = tr("netfold cannot decode %1 tensors.").arg(QString::fromStdString(dtypeName(m_tensor->dtype())));
        m_statusLabel->setText(m_error);
        m_histogram->setMessage(tr("No data"));
        updateNotes();
        return;
    }

    for (QLabel* l : m_statLabels)
        l->setText(QStringLiteral("\u2026"));
    m_histogram->setMessage(tr("Computing\u2026"));
    m_progress->show();
    if (ready) {
        m_progress->setRange(0, kProgressMax);
        m_progress->setValue(0);
        m_statusLabel->setText(tr("Computing statistics\u2026"));
    } else {
        m_progress->setRange(0, 0);
        m_statusLabel->setText(tr("Decoding %1\u2026").arg(QString::fromStdString(formatBytes(m_tensor->byteSize()))));
    }

    const TensorPtr t = m_tensor;
    m_watcher = std::make_unique<QFutureWatcher<std::shared_ptr<Result>>>();
    connect(m_watcher.get(), &QFutureWatcherBase::progressValueChanged, this, &TensorView::onWorkerProgress);
    connect(m_watcher.get(), &QFutureWatcherBase::finished, this, &TensorView::onWorkerFinished);
    m_watcher->setFuture(QtConcurrent::run(tensorPool(), [t](QPromise<std::shared_ptr<Result>>& promise) {
        auto result = std::make_shared<Result>();
        promise.setProgressRange(0, kProgressMax);
        try {
            decode(*t);
            promise.setProgressValue(1);
            TensorStatsOptions options;
            options.progress = [&promise](double f) {
                promise.setProgressValue(1 + static_cast<int>(f * (kProgressMax - 1)));
                return !promise.isCanceled();
            };
            result->stats = computeTensorStats(*t, options);
        } catch (const std::exception& e) {
            result->error = QString::fromStdString(e.what());
        }
        promise.addResult(result);
    }));
    updateNotes();
}

bool TensorView::valuesReady() const { return m_model->valuesReady(); }

void TensorView::onWorkerProgress(int value)
{
    if (value < 1)
        return;
    markValuesReady();
    if (m_progress->maximum() == 0) {
        m_progress->setRange(0, kProgressMax);
        m_statusLabel->setText(tr("Computing statistics\u2026"));
    }
    m_progress->setValue(value);
}

void TensorView::markValuesReady()
{
    if (m_model->valuesReady())
        return;
    m_model->setValuesReady(true);
    updateNotes();
    emit valuesAvailable();
}

void TensorView::onWorkerFinished()
{
    if (!m_watcher || m_watcher->isCanceled() || m_watcher->future().resultCount() == 0)
        return;
    const std::shared_ptr<Result> result = m_watcher->result();
    m_watcher.reset();
    m_progress->hide();
    m_statusLabel->clear();
    if (!result->error.isEmpty()) {
        m_error = result->error;
        m_statusLabel->setText(m_error);
        for (QLabel* l : m_statLabels)
            l->clear();
        m_histogram->setMessage(tr("No data"));
        updateNotes();
        emit failed(m_error);
        return;
    }
    markValuesReady();
    m_stats = result->stats;
    m_statsReady = m_stats.complete;
    showStatistics();
    emit statisticsFinished();
}

void TensorView::showInfo()
{
    auto field = [this](int row) { return qobject_cast<QLabel*>(m_info->itemAt(row, QFormLayout::FieldRole)->widget()); };
    if (!m_tensor) {
        m_title->setText(tr("No tensor"));
        m_subtitle->clear();
        for (int r = 0; r < m_info->rowCount(); ++r)
            field(r)->clear();
        return;
    }
    const Tensor& t = *m_tensor;
    const QString type = QString::fromStdString(dtypeName(t.dtype()));
    m_title->setText(m_name.isEmpty() ? tr("Tensor") : m_name);
    m_subtitle->setText(type + shapeText(t.dims()).remove(' '));
    field(0)->setText(type);
    field(1)->setText(t.rank() == 0 ? tr("scalar") : shapeText(t.dims()));
    field(2)->setText(count(t.numel()));
    field(3)->setText(t.dtype() == dtype::String
                          ? tr("%1 strings").arg(count(t.numel()))
                          : tr("%1 (%2 bytes)").arg(QString::fromStdString(formatBytes(t.byteSize())), count(static_cast<int64_t>(t.byteSize()))));
    QString storage;
    switch (t.storage()) {
    case Tensor::Storage::Typed: storage = tr("typed field %1").arg(typedField(t.dtype())); break;
    case Tensor::Storage::Raw: storage = tr("raw_data"); break;
    case Tensor::Storage::External:
        storage = tr("external file %1 at offset %2").arg(QString::fromStdString(t.externalPath()).toHtmlEscaped(), count(t.externalOffset()));
        break;
    case Tensor::Storage::Computed: storage = tr("computed by netfold"); break;
    }
    field(4)->setText(storage);
    field(4)->setToolTip(t.storage() == Tensor::Storage::External ? QString::fromStdString(t.externalPath()) : QString());

    const QString descr = decodable(t) && t.dtype() != dtype::String ? QString::fromStdString(npyDescr(t)) : QString();
    m_saveButton->setToolTip(t.dtype() == dtype::BFloat16
                                 ? tr("bfloat16 has no NumPy type: the values are saved as float32 ('<f4')")
                             : t.dtype() == dtype::String ? tr("Strings are saved as a NumPy unicode array ('<U')")
                             : descr.isEmpty()            ? tr("This dtype cannot be saved as .npy")
                                                          : tr("Save as a NumPy array ('%1')").arg(descr));
}

void TensorView::showStatistics()
{
    const TensorStats& s = m_stats;
    if (!s.numeric) {
        for (QLabel* l : m_statLabels)
            l->setText(QStringLiteral("\u2014"));
        m_histogram->setMessage(tr("No numeric values"));
        return;
    }
    auto exact = [this](int64_t index, double v) {
        if (index < 0 || std::isnan(v))
            return QStringLiteral("\u2014");
        return TensorTableModel::formatElement(*m_tensor, index);
    };
    auto real = [](double v) { return std::isnan(v) ? QStringLiteral("\u2014") : QString::number(v, 'g', 7); };
    auto share = [&s](int64_t n) {
        if (n == 0 || s.count == 0)
            return count(n);
        return QStringLiteral("%1 (%2%)").arg(count(n)).arg(100.0 * static_cast<double>(n) / static_cast<double>(s.count), 0, 'g', 3);
    };
    m_statLabels[0]->setText(exact(s.minIndex, s.min));
    m_statLabels[1]->setText(exact(s.maxIndex, s.max));
    m_statLabels[2]->setText(real(s.mean));
    m_statLabels[3]->setText(real(s.std));
    m_statLabels[4]->setText(share(s.zeros));
    m_statLabels[5]->setText(share(s.nans));
    m_statLabels[6]->setText(s.posInfs + s.negInfs == 0 ? QStringLiteral("0")
                                                        : tr("+%1 / \u2212%2").arg(count(s.posInfs), count(s.negInfs)));
    auto indexTip = [this](int64_t flat) {
        if (flat < 0)
            return QString();
        QStringList idx;
        int64_t rest = flat;
        std::vector<int64_t> out(m_tensor->rank());
        for (std::size_t k = m_tensor->rank(); k-- > 0;) {
            const int64_t d = m_tensor->dims()[k];
            out[k] = d ? rest % d : 0;
            rest = d ? rest / d : 0;
        }
        for (int64_t i : out)
            idx << QString::number(i);
        return tr("First at [%1]").arg(idx.join(", "));
    };
    m_statLabels[0]->setToolTip(indexTip(s.minIndex));
    m_statLabels[1]->setToolTip(indexTip(s.maxIndex));
    if (s.finite == 0)
        m_histogram->setMessage(s.count == 0 ? tr("No elements") : tr("No finite values"));
    else
        m_histogram->setHistogram(s.histogram, s.histLo, s.histHi);
}

void TensorView::rebuildAxisControls()
{
    m_updatingControls = true;
    const int rank = m_tensor ? static_cast<int>(m_tensor->rank()) : 0;
    for (QComboBox* combo : {m_rowCombo, m_columnCombo}) {
        combo->clear();
        combo->addItem(QStringLiteral("\u2014"), -1);
        for (int k = 0; k < rank; ++k)
            combo->addItem(tr("axis %1 (%2)").arg(k).arg(m_tensor->dims()[static_cast<std::size_t>(k)]), k);
        combo->setEnabled(rank > 0);
    }
    m_rowCombo->setCurrentIndex(m_model->rowAxis() + 1);
    m_columnCombo->setCurrentIndex(m_model->columnAxis() + 1);
    const bool wrap = m_model->columnAxis() < 0 && m_model->rowAxis() >= 0;
    m_wrapLabel->setVisible(wrap);
    m_wrapSpin->setVisible(wrap);
    m_wrapSpin->setValue(m_model->wrap());

    while (QLayoutItem* item = m_sliceLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_sliceSpins.clear();
    int slot = 0;
    for (int k = 0; k < rank; ++k) {
        if (k == m_model->rowAxis() || k == m_model->columnAxis()) {
            m_sliceSpins << nullptr;
            continue;
        }
        const int64_t dim = m_tensor->dims()[static_cast<std::size_t>(k)];
        auto* label = new QLabel(tr("axis %1").arg(k), m_sliceBox);
        auto* spin = new QSpinBox(m_sliceBox);
        spin->setRange(0, static_cast<int>(std::clamp<int64_t>(dim - 1, 0, INT_MAX)));
        spin->setValue(static_cast<int>(m_model->sliceIndex(k)));
        spin->setSuffix(QStringLiteral(" / %1").arg(dim));
        spin->setEnabled(dim > 1);
        spin->setToolTip(tr("Index of axis %1 (size %2) shown").arg(k).arg(dim));
        connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, [this, k](int v) {
            if (!m_updatingControls)
                m_model->setSliceIndex(k, v);
        });
        m_sliceSpins << spin;
        const int row = slot / 4, col = (slot % 4) * 2;
        m_sliceLayout->addWidget(label, row, col);
        m_sliceLayout->addWidget(spin, row, col + 1);
        ++slot;
    }
    if (slot > 0)
        m_sliceLayout->setColumnStretch(8, 1);
    m_sliceBox->setVisible(slot > 0);
    m_updatingControls = false;
}

void TensorView::onAxisCombo()
{
    int row = m_rowCombo->currentData().toInt();
    int column = m_columnCombo->currentData().toInt();
    if (row == column && row >= 0) {
        // Picking the other combo's axis swaps the two.
        if (row != m_model->rowAxis())
            column = m_model->rowAxis();
        else
            row = m_model->columnAxis();
    }
    setAxes(row, column);
}

void TensorView::setAxes(int rowAxis, int columnAxis)
{
    m_model->setAxes(rowAxis, columnAxis);
    rebuildAxisControls();
    updateNotes();
}

void TensorView::setSliceIndex(int axis, int64_t index)
{
    m_model->setSliceIndex(axis, index);
    if (axis >= 0 && axis < m_sliceSpins.size() && m_sliceSpins[axis]) {
        m_updatingControls = true;
        m_sliceSpins[axis]->setValue(static_cast<int>(m_model->sliceIndex(axis)));
        m_updatingControls = false;
    }
}

void TensorView::updateNotes()
{
    const bool ready = m_model->valuesReady();
    const bool hasData = m_tensor && m_error.isEmpty();
    QString note;
    if (!m_tensor)
        note = tr("No tensor selected.");
    else if (!m_error.isEmpty())
        note = m_error;
    else if (m_tensor->numel() == 0)
        note = tr("The tensor has no elements (shape %1).").arg(shapeText(m_tensor->dims()));
    else if (!ready)
        note = tr("Decoding the values\u2026");
    else if (m_model->truncated())
        note = tr("Only the first %1 rows and %2 columns are listed; slice or swap the axes to see the rest.")
                   .arg(count(TensorTableModel::kMaxRows), count(TensorTableModel::kMaxColumns));
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
    m_copyButton->setEnabled(hasData && ready && m_tensor->numel() > 0);
    m_saveButton->setEnabled(hasData && ready && (m_tensor->dtype() == dtype::String || isNumericType(m_tensor->dtype())));
}

QString TensorView::copySelection()
{
    const QItemSelection selection = m_table->selectionModel() ? m_table->selectionModel()->selection() : QItemSelection();
    const QString text = m_model->selectionText(selection);
    if (text.isNull()) {
        if (!selection.isEmpty() && m_model->valuesReady()) {
            m_note->setText(tr("The selection is too large to copy (more than %1 cells).").arg(count(TensorTableModel::kMaxCopyCells)));
            m_note->show();
        }
        return {};
    }
    QApplication::clipboard()->setText(text);
    return text;
}

bool TensorView::saveNpy(const QString& path, QString* error)
{
    auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (!m_tensor)
        return fail(tr("No tensor to save."));
    if (!m_model->valuesReady())
        return fail(tr("Tensor '%1' is still being decoded.").arg(m_name));
    try {
        netfold::saveNpy(*m_tensor, QFile::encodeName(path).toStdString());
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    return true;
}

void TensorView::chooseSaveFile()
{
    QString base = m_name.isEmpty() ? QStringLiteral("tensor") : m_name;
    base.replace(QRegularExpression("[^A-Za-z0-9_.-]+"), "_");
    base.remove(QRegularExpression("^[_.]+"));
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Tensor"), (base.isEmpty() ? "tensor" : base) + ".npy",
                                                      tr("NumPy arrays (*.npy)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveNpy(path, &error))
        QMessageBox::warning(this, tr("Save Tensor"), error);
}

} // namespace netfold
