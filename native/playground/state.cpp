#include "state.hpp"

#include <algorithm>

namespace ripen::playground {

namespace {

constexpr std::size_t kUndoLimit = 200;

std::string issues_text(const std::vector<Issue>& issues) {
    std::string out;
    for (const auto& i : issues) out += format_issue(i) + "\n";
    return out;
}

}  // namespace

Playground::Playground() {
    // Starts empty-handed; the front end loads the default model and a sample.
}

Playground::~Playground() = default;

std::vector<Issue> Playground::load_model(std::string_view json_text, std::string name) {
    auto loaded = ripen::load_model(json_text);
    if (!loaded.ok()) {
        last_error_ = "the model \"" + name + "\" is invalid:\n" + issues_text(loaded.issues);
        return loaded.issues;
    }
    model_ = std::make_unique<Model>(std::move(*loaded.value));
    model_name_ = std::move(name);
    last_error_.clear();
    preview_ = empty_answers(*model_);
    reset_scoring();
    reimport();
    return {};
}

void Playground::reset_scoring() {
    loaded_ = Scoring::from(*model_);
    scoring_ = loaded_;
    undo_.clear();
    redo_.clear();
    scorer_ = std::make_unique<TableScorer>(*model_, scoring_);
    incremental_.clear();
    tuned_.reset();
}

void Playground::generate(std::size_t count, std::uint64_t seed) {
    source_ = Source::sample;
    sample_count_ = count;
    sample_seed_ = seed;
    csv_.clear();
    mapping_text_.reset();
    reimport();
}

void Playground::reimport() {
    if (!model_) return;
    if (source_ == Source::sample) {
        table_ = std::make_unique<LeadTable>(*model_);
        incremental_.clear();
        LeadGenerator generator(*model_, sample_seed_);
        SampleLead lead;
        for (std::size_t i = 0; i < sample_count_; ++i) {
            generator.next(lead);
            Context context;
            context.values = lead.context;
            if (!lead.source.empty()) context.values.emplace_back("source", lead.source);
            table_->append(lead.answers, context, true, lead.converted ? 1 : 0);
        }
        import_stats_ = ImportStats{};
        import_stats_.rows = import_stats_.imported = sample_count_;
        data_name_ = std::to_string(sample_count_) + " generated leads (seed " + std::to_string(sample_seed_) + ")";
        mapping_ = Mapping{};
        rescore();
        return;
    }
    std::string csv = std::move(csv_);
    begin_import(data_name_, csv.size(), mapping_text_);
    feed(csv);
    finish_import();
}

void Playground::begin_import(std::string name, std::uint64_t total_bytes, std::optional<std::string> mapping_json) {
    data_name_ = std::move(name);
    source_ = Source::csv;
    csv_.clear();
    csv_.reserve(static_cast<std::size_t>(total_bytes));
    mapping_text_ = std::move(mapping_json);
    import_total_ = total_bytes;
    importer_.reset();
    incoming_.reset();
    importing_ = true;
    last_error_.clear();
}

bool Playground::feed(std::string_view chunk) {
    if (!importing_) return false;
    if (!importer_) {
        if (mapping_text_) {
            auto parsed = parse_mapping(*model_, *mapping_text_);
            if (!parsed.ok()) {
                last_error_ = "the mapping is invalid:\n" + issues_text(parsed.issues);
                importing_ = false;
                return false;
            }
            mapping_ = std::move(*parsed.value);
        } else {
            mapping_ = infer_mapping_from_csv(*model_, chunk, chunk.size() >= import_total_).value_or(Mapping{});
        }
        incoming_ = std::make_unique<LeadTable>(*model_);
        importer_ = std::make_unique<Importer>(*model_, mapping_, *incoming_);
    }
    csv_.append(chunk.data(), chunk.size());
    if (!importer_->feed(chunk)) {
        import_stats_ = importer_->stats();
        last_error_ = "cannot import \"" + data_name_ + "\"";
        for (const auto& e : import_stats_.errors) last_error_ += "\n" + format_issue(e);
        importing_ = false;
        return false;
    }
    return true;
}

bool Playground::finish_import() {
    if (!importing_) return false;
    importing_ = false;
    bool ok = importer_ && importer_->finish();
    if (importer_) import_stats_ = importer_->stats();
    if (!ok) {
        last_error_ = "cannot import \"" + data_name_ + "\"";
        for (const auto& e : import_stats_.errors) last_error_ += "\n" + format_issue(e);
        return false;
    }
    if (import_stats_.imported == import_stats_.outcome_unknown) {
        last_error_ = "no lead in \"" + data_name_ + "\" has an outcome: map the outcome column";
        return false;
    }
    table_ = std::move(incoming_);
    incremental_.clear();
    importer_.reset();
    rescore();
    return true;
}

double Playground::import_progress() const {
    if (!importing_ || import_total_ == 0) return 1.0;
    return std::min(1.0, static_cast<double>(csv_.size()) / static_cast<double>(import_total_));
}

std::vector<Issue> Playground::set_mapping(std::string_view mapping_json) {
    auto parsed = parse_mapping(*model_, mapping_json);
    if (!parsed.ok()) {
        last_error_ = "the mapping is invalid:\n" + issues_text(parsed.issues);
        return parsed.issues;
    }
    if (source_ != Source::csv) return {};
    mapping_text_ = std::string(mapping_json);
    reimport();
    return {};
}

std::string Playground::mapping_json() const { return json::to_string(mapping_to_json(mapping_), 2); }

std::size_t Playground::leads() const { return table_ ? table_->size() : 0; }

// ---- edits -----------------------------------------------------------------------------------

void Playground::edit(Scoring next) {
    undo_.push_back(scoring_);
    if (undo_.size() > kUndoLimit) undo_.erase(undo_.begin());
    redo_.clear();
    set_scoring(std::move(next));
}

void Playground::set_scoring(Scoring next) {
    // Thresholds alone change only which side of the line a total falls: the histogram of
    // totals stays, and the metrics are recomputed from it.
    Scoring without_thresholds = next;
    without_thresholds.handoff_at = scoring_.handoff_at;
    without_thresholds.segment_handoff_at = scoring_.segment_handoff_at;
    const bool totals_change = without_thresholds.option_points != scoring_.option_points ||
                               without_thresholds.signal_points != scoring_.signal_points ||
                               without_thresholds.weights != scoring_.weights || without_thresholds.rule_enabled != scoring_.rule_enabled ||
                               without_thresholds.rule_level != scoring_.rule_level;
    scoring_ = std::move(next);
    tuned_.reset();  // rebuilt when the preview asks for it, not on every edit
    if (totals_change) rescore();
    else refresh_metrics();
}

void Playground::set_weight(int criterion, int weight) {
    Scoring next = scoring_;
    next.weights[static_cast<std::size_t>(criterion)] = std::clamp(weight, 0, 100);
    if (next.weights != scoring_.weights) edit(std::move(next));
}

void Playground::set_points(int question, int option, int criterion, int points) {
    Scoring next = scoring_;
    const std::size_t C = model_->spec().criteria.size();
    int& p = next.option_points[static_cast<std::size_t>(question)][static_cast<std::size_t>(option) * C + static_cast<std::size_t>(criterion)];
    if (p == points) return;
    p = points;
    edit(std::move(next));
}

void Playground::set_signal_points(int signal, int criterion, int points) {
    Scoring next = scoring_;
    int& p = next.signal_points[static_cast<std::size_t>(signal)][static_cast<std::size_t>(criterion)];
    if (p == points) return;
    p = points;
    edit(std::move(next));
}

void Playground::set_threshold(int handoff_at) {
    if (handoff_at == scoring_.handoff_at) return;
    Scoring next = scoring_;
    next.handoff_at = handoff_at;
    edit(std::move(next));
}

void Playground::set_segment_threshold(int segment, int handoff_at) {
    Scoring next = scoring_;
    next.segment_handoff_at[static_cast<std::size_t>(segment)] = handoff_at;
    if (next.segment_handoff_at != scoring_.segment_handoff_at) edit(std::move(next));
}

void Playground::set_rule_enabled(int rule, bool enabled) {
    Scoring next = scoring_;
    next.rule_enabled[static_cast<std::size_t>(rule)] = enabled ? 1 : 0;
    if (next.rule_enabled != scoring_.rule_enabled) edit(std::move(next));
}

std::optional<Playground::RuleLevel> Playground::rule_level(int rule) const {
    const std::size_t r = static_cast<std::size_t>(rule);
    if (!model_ || r >= scoring_.rule_level.size() || scoring_.rule_level[r] == Scoring::kNoLevel) return std::nullopt;
    const json::Value* rules = model_->source().find("rules");
    const json::Value* when = rules && r < rules->items.size() ? rules->items[r].find("when") : nullptr;
    const json::Value* subject = when ? when->find("criterion") : nullptr;
    if (!subject) return std::nullopt;
    RuleLevel level;
    level.subject = subject->text;
    const int criterion = model_->criterion_index(subject->text);
    level.max = criterion >= 0 ? scoring_.maxima[static_cast<std::size_t>(criterion)] : scoring_.max_total();
    const std::pair<const char*, const char*> comparisons[] = {{"lt", "<"}, {"lte", "<="}, {"gt", ">"}, {"gte", ">="}, {"eq", "="}};
    for (const auto& [key, symbol] : comparisons)
        if (when->find(key)) level.comparison = symbol;
    return level;
}

void Playground::set_rule_level(int rule, int level) {
    if (!rule_level(rule)) return;
    Scoring next = scoring_;
    next.rule_level[static_cast<std::size_t>(rule)] = std::clamp(level, -100000, 100000);  // the loader's range
    if (next.rule_level != scoring_.rule_level) edit(std::move(next));
}

void Playground::apply(const Scoring& scoring) { edit(scoring); }

bool Playground::undo() {
    if (undo_.empty()) return false;
    redo_.push_back(scoring_);
    Scoring previous = std::move(undo_.back());
    undo_.pop_back();
    set_scoring(std::move(previous));
    return true;
}

bool Playground::redo() {
    if (redo_.empty()) return false;
    undo_.push_back(scoring_);
    Scoring next = std::move(redo_.back());
    redo_.pop_back();
    set_scoring(std::move(next));
    return true;
}

// ---- results ---------------------------------------------------------------------------------

void Playground::rescore() {
    if (!model_ || !table_) return;
    // Samples and imports hold complete leads, so an edit re-sums only the columns whose points
    // changed; the full kernel stays for tables the incremental scorer refuses.
    if (incremental_.ready()) {
        incremental_.update(*table_, scoring_, result_);
    } else if (!incremental_.reset(*model_, *table_, scoring_, result_)) {
        scorer_->set_scoring(scoring_);
        scorer_->score(*table_, result_, false);
    }
    ++rescore_count_;
    histogram_ = ScoreHistogram::of(*table_, result_, scoring_.max_total());
    refresh_metrics();
}

void Playground::refresh_metrics() { metrics_ = metrics_from_histogram(histogram_, scoring_); }

Suggestion Playground::suggest_for_precision(double target) const { return ripen::suggest_for_precision(metrics_, target); }
Suggestion Playground::suggest_for_capacity(double capacity) const { return ripen::suggest_for_capacity(metrics_, capacity); }

Result<FitResult> Playground::fit(const FitOptions& options) const {
    // The table was built through the loaded model, so the fit reads it through that model.
    return fit_points(*model_, *table_, options);
}

void Playground::apply_fitted_points(const FitResult& fit) {
    // The points and the thresholds the fit moved to their new scale (the same share of
    // hand-offs); weights and rules keep their tuning.
    Scoring next = scoring_;
    next.option_points = fit.scoring.option_points;
    next.signal_points = fit.scoring.signal_points;
    next.handoff_at = fit.handoff_at;
    for (std::size_t s = 0; s < next.segment_handoff_at.size() && s < fit.segment_handoff_at.size(); ++s)
        if (next.segment_handoff_at[s] >= 0) next.segment_handoff_at[s] = fit.segment_handoff_at[s];
    edit(std::move(next));
}

void Playground::apply_threshold(const Suggestion& suggestion) {
    if (!suggestion.found) return;
    Scoring next = scoring_;
    // As the suggestion was worked out: the model's threshold, with segments that have their own
    // keeping it, or one segment's own.
    if (suggestion.segment >= 0)
        next.segment_handoff_at[static_cast<std::size_t>(suggestion.segment)] = suggestion.at.threshold;
    else
        next.handoff_at = suggestion.at.threshold;
    edit(std::move(next));
}

std::string Playground::export_model() const { return json::to_string(apply_scoring(*model_, scoring_), 2) + "\n"; }

std::string Playground::diff() const { return scoring_diff(*model_, loaded_, scoring_); }

Decision Playground::preview_decision() const {
    Context context;
    context.complete = preview_complete_;
    return decide(tuned_model(), preview_, context);
}

std::string Playground::preview_explanation() const { return explain(tuned_model(), preview_decision()); }

const Model& Playground::tuned_model() const {
    if (!tuned_) {
        auto tuned = ripen::load_model(export_model());
        tuned_ = std::make_unique<Model>(tuned.ok() ? std::move(*tuned.value) : *model_);
    }
    return *tuned_;
}

}  // namespace ripen::playground
