#include "state.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

namespace ripen::playground {

namespace {

constexpr std::size_t kUndoLimit = 200;

std::string issues_text(const std::vector<Issue>& issues) {
    std::string out;
    for (const auto& i : issues) out += format_issue(i) + "\n";
    return out;
}

Issue no_such_column(const std::string& column) {
    Issue issue;
    issue.code = "mapping.column";
    issue.message = "the data has no column \"" + column + "\"";
    return issue;
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
        std::uint64_t converted = 0;
        for (std::size_t i = 0; i < sample_count_; ++i) {
            generator.next(lead);
            Context context;
            context.values = lead.context;
            if (!lead.source.empty()) context.values.emplace_back("source", lead.source);
            table_->append(lead.answers, context, true, lead.converted ? 1 : 0);
            converted += lead.converted ? 1 : 0;
        }
        import_stats_ = ImportStats{};
        import_stats_.rows = import_stats_.imported = sample_count_;
        import_stats_.converted = converted;
        data_name_ = std::to_string(sample_count_) + " generated leads (seed " + std::to_string(sample_seed_) + ")";
        mapping_ = Mapping{};
        rescore();
        refresh_loaded_metrics();
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
            // The marketer's own mapping wins over a guess when the file has every column it maps.
            if (own_mapping_) {
                auto own = parse_mapping(*model_, *own_mapping_);
                bool fits = own.ok();
                for (std::size_t c = 0; fits && c < own.value->columns.size(); ++c)
                    fits = own.value->columns[c].role == ColumnMapping::Role::ignore || mapping_.find(own.value->columns[c].column);
                if (fits) {
                    mapping_ = std::move(*own.value);
                    mapping_text_ = own_mapping_;
                }
            }
        }
        incoming_ = std::make_unique<LeadTable>(*model_);
        ImportOptions options;
        options.profile = true;
        importer_ = std::make_unique<Importer>(*model_, mapping_, *incoming_, options);
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
    refresh_loaded_metrics();
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
    own_mapping_ = std::string(mapping_json);
    if (source_ != Source::csv) return {};
    mapping_text_ = own_mapping_;
    reimport();
    return {};
}

std::vector<Issue> Playground::set_column(const std::string& column, ColumnMapping::Role role, const std::string& target) {
    Mapping next = mapping_;
    bool found = false;
    for (auto& c : next.columns) {
        if (c.column == column) {
            found = true;
            if (c.role != role || c.target != target) c.values.clear();  // another question's options
            c.role = role;
            c.target = target;
            if (role == ColumnMapping::Role::outcome && c.positive.empty()) c.positive = {"yes", "true", "1", "won", "converted"};
        } else if (role == ColumnMapping::Role::outcome && c.role == ColumnMapping::Role::outcome) {
            c.role = ColumnMapping::Role::ignore;  // one outcome column
        }
    }
    if (!found) return {no_such_column(column)};
    return set_mapping(json::to_string(mapping_to_json(next), 2));
}

std::vector<Issue> Playground::set_value(const std::string& column, const std::string& normalised, const std::string& option) {
    Mapping next = mapping_;
    for (auto& c : next.columns) {
        if (c.column != column) continue;
        if (c.role == ColumnMapping::Role::outcome) {
            auto at = std::find(c.positive.begin(), c.positive.end(), normalised);
            if (option == "converted" && at == c.positive.end()) c.positive.push_back(normalised);
            if (option != "converted" && at != c.positive.end()) c.positive.erase(at);
        } else {
            auto at = std::find_if(c.values.begin(), c.values.end(), [&](const auto& v) { return v.first == normalised; });
            if (at == c.values.end()) c.values.emplace_back(normalised, option);
            else at->second = option;
        }
        return set_mapping(json::to_string(mapping_to_json(next), 2));
    }
    return {no_such_column(column)};
}

std::string Playground::mapping_json() const { return json::to_string(mapping_to_json(mapping_), 2); }

std::size_t Playground::leads() const { return table_ ? table_->size() : 0; }

// ---- edits -----------------------------------------------------------------------------------

void Playground::edit(Scoring next) {
    // Within a gesture only its first edit keeps the scoring to go back to.
    if (!gesture_ || !gesture_pushed_) {
        undo_.push_back(scoring_);
        if (undo_.size() > kUndoLimit) undo_.erase(undo_.begin());
        gesture_pushed_ = gesture_;
    }
    redo_.clear();
    set_scoring(std::move(next));
}

void Playground::begin_gesture() {
    gesture_ = true;
    gesture_pushed_ = false;
}

void Playground::end_gesture() {
    // A drag that ends where it began leaves nothing to undo.
    if (gesture_pushed_ && !undo_.empty() && undo_.back() == scoring_) undo_.pop_back();
    gesture_ = gesture_pushed_ = false;
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
    // changed, and the metrics come from leads grouped by their clamped points (a weight or rule
    // move touches no lead at all); the per-lead result is written only when something reads it.
    // The full kernel stays for tables the incremental scorer refuses.
    const int max_total = scoring_.max_total();
    if (incremental_.ready() && incremental_.update_histogram(*table_, scoring_, histogram_)) {
        result_stale_ = true;
    } else {
        if (incremental_.ready()) {
            incremental_.score_leads(*table_, result_);  // update_histogram moved to the scoring without groups
        } else if (!incremental_.reset(*model_, *table_, scoring_, result_)) {
            scorer_->set_scoring(scoring_);
            scorer_->score(*table_, result_, false);
        }
        result_stale_ = false;
        histogram_ = ScoreHistogram::of(*table_, result_, max_total);
    }
    ++rescore_count_;
    reports_stale_ = true;
    refresh_metrics();
}

const TableResult& Playground::result() const {
    if (result_stale_) {
        incremental_.score_leads(*table_, result_);
        result_stale_ = false;
    }
    return result_;
}

// The model as loaded on the same leads, for the before / after comparison: scored once per
// import (an edit changes only the "after").
void Playground::refresh_loaded_metrics() {
    if (scoring_ == loaded_) {
        loaded_metrics_ = metrics_;
        return;
    }
    TableScorer scorer(*model_, loaded_);
    TableResult result;
    scorer.score(*table_, result, false);
    loaded_metrics_ = metrics_from_histogram(ScoreHistogram::of(*table_, result, loaded_.max_total()), loaded_);
}

void Playground::refresh_metrics() {
    metrics_ = metrics_from_histogram(histogram_, scoring_);
    refresh_warnings();
}

const std::vector<AnswerRow>& Playground::answer_rows() const {
    if (reports_stale_ && table_) {
        answer_rows_ = answer_report(*table_, result());
        rule_impacts_ = rule_impact(*table_, scoring_);
        reports_stale_ = false;
    }
    return answer_rows_;
}

const std::vector<RuleImpact>& Playground::rule_impacts() const {
    answer_rows();
    return rule_impacts_;
}

// The questions a rule reads: those its condition names, and for a condition on a criterion's
// points ("authority >= 2") the questions that give points on it.
std::vector<int> Playground::rule_questions(int rule) const {
    std::set<int> out;
    const json::Value* rules = model_->source().find("rules");
    if (!rules || static_cast<std::size_t>(rule) >= rules->items.size()) return {};
    const std::size_t C = model_->spec().criteria.size();
    std::vector<const json::Value*> open{rules->items[static_cast<std::size_t>(rule)].find("when")};
    while (!open.empty()) {
        const json::Value* v = open.back();
        open.pop_back();
        if (!v) continue;
        if (const json::Value* answer = v->find("answer"); answer && answer->kind == json::Kind::string) {
            if (int q = model_->question_index(answer->text); q >= 0) out.insert(q);
        }
        if (const json::Value* criterion = v->find("criterion"); criterion && criterion->kind == json::Kind::string) {
            const int c = model_->criterion_index(criterion->text);
            for (std::size_t q = 0; c >= 0 && q < loaded_.option_points.size(); ++q)
                for (std::size_t k = static_cast<std::size_t>(c); k < loaded_.option_points[q].size(); k += C)
                    if (loaded_.option_points[q][k] != 0) out.insert(static_cast<int>(q));
        }
        for (const auto& item : v->items) open.push_back(&item);
        for (const auto& member : v->members) open.push_back(&member.second);
    }
    return {out.begin(), out.end()};
}

namespace {

std::string share_text(std::uint64_t part, std::uint64_t whole) {
    char b[32];
    std::snprintf(b, sizeof b, "%.0f %%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
    return b;
}

}  // namespace

void Playground::refresh_warnings() {
    warnings_.clear();
    if (!model_ || !table_ || table_->size() == 0) return;
    const auto& spec = model_->spec();
    auto label_of = [&](int q) {
        const auto& question = spec.questions[static_cast<std::size_t>(q)];
        std::string label(question.label.in(""));
        return label.empty() ? question.id : label;
    };
    if (source_ == Source::csv) {
        std::set<int> mapped;
        for (const auto& c : mapping_.columns)
            if (c.role == ColumnMapping::Role::question) mapped.insert(model_->question_index(c.target));
        if (mapped.empty()) {
            warnings_.push_back({"nothing_maps", "No column of " + data_name_ + " matches a question of this model, so every lead gets the same score.",
                                 "Choose what each column means under Data and mapping, or pick a model made for this data (the bank example for the bank export)."});
        } else {
            for (std::size_t r = 0; r < spec.rules.size(); ++r) {
                if (!scoring_.rule_enabled[r]) continue;
                auto reads = rule_questions(static_cast<int>(r));
                if (reads.empty()) continue;
                std::string missing;
                bool any = false;
                for (int q : reads) {
                    if (mapped.count(q)) any = true;
                    else missing += (missing.empty() ? "" : ", ") + label_of(q);
                }
                if (any) continue;
                const auto& rule = spec.rules[r];
                std::string name(rule.label.in(""));
                if (name.empty()) name = rule.id;
                warnings_.push_back({"rule_unmapped", std::string(rule.kind == RuleKind::gate ? "The gate " : "The knock-out ") + "\"" + name + "\" reads " + missing +
                                         ", which no column gives: it " + (rule.kind == RuleKind::gate ? "holds every lead back from the hand-off." : "never applies."),
                                     "Map a column to " + missing + " under Data and mapping, or turn the rule off under Knock-outs and gates."});
            }
        }
        for (const auto& [column, values] : import_stats_.unmapped) {
            std::uint64_t n = 0;
            for (const auto& v : values) n += v.second;
            if (import_stats_.imported && n * 2 > import_stats_.imported)
                warnings_.push_back({"unmapped_values", share_text(n, import_stats_.imported) + " of the values in column " + column + " match no option and count as unanswered.",
                                     "Give those values an option under Data and mapping (or a catch-all)."});
        }
    }
    const std::uint64_t leads = metrics_.overall.leads;
    if (leads == 0) return;
    // An outcome column whose values all read as one answer ("Closed Won" not among the values
    // that mean converted): nothing to tell apart.
    if (metrics_.overall.converted == 0 || metrics_.overall.converted == leads) {
        const bool none = metrics_.overall.converted == 0;
        warnings_.push_back({none ? "no_conversions" : "all_converted",
                             std::string(none ? "None of the " : "All of the ") + thousands(leads) + " leads with an outcome converted: there is nothing to tell apart.",
                             "Under Data and mapping, tick the values of the outcome column that mean converted (and only those)."});
    }
    // Almost every lead in one place: knocked out, held by a gate, or one total.
    std::uint64_t largest = 0;
    int at = 0;
    for (int score = -2; score <= histogram_.max_total; ++score) {
        std::uint64_t n = 0;
        for (std::size_t seg = 0; seg < histogram_.segments; ++seg) n += histogram_.at(seg, score, 0) + histogram_.at(seg, score, 1);
        if (n > largest) largest = n, at = score;
    }
    if (largest * 100 >= leads * 95) {
        std::string where = at == -2 ? "are knocked out" : at == -1 ? "fail a gate" : "have the same total, " + std::to_string(at);
        warnings_.push_back({"one_bucket", share_text(largest, leads) + " of the leads " + where + ": the model cannot tell them apart on this data.",
                             "Check the mapping under Data and mapping, and the knock-outs and gates."});
    }
    if (metrics_.overall.handoff == 0)
        warnings_.push_back({"no_handoff", "No lead is handed off at these thresholds.", "Lower the hand-off threshold, or use a threshold suggestion."});
}

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

std::string Playground::export_model(const std::string& date) const {
    json::Value document = apply_scoring(*model_, scoring_);
    if (scoring_ != loaded_) {
        // A tuned model is a new version of the definition, saying where it was tuned.
        document.set("version", json::Value::make_string(next_version(model_->spec().version, "tuned")));
        json::Value provenance = json::Value::make_object();
        provenance.set("tuned_in", json::Value::make_string("ripen playground " + std::string(ripen::version())));
        provenance.set("from_version", json::Value::make_string(model_->spec().version));
        provenance.set("data", json::Value::make_string(data_name_));
        provenance.set("rows", json::Value::make_int(static_cast<std::int64_t>(leads())));
        if (!date.empty()) provenance.set("date", json::Value::make_string(date));
        provenance.set("changes", json::Value::make_int(static_cast<std::int64_t>(scoring_changes(*model_, loaded_, scoring_).items.size())));
        document.set("provenance", std::move(provenance));
    }
    return json::to_string(document, 2) + "\n";
}

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
