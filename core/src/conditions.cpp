// Conditions (show_if, signal, rule, segment and track "when") compiled to the flat node array
// the evaluator walks, with located errors; and the show_if dependency order.
#include <algorithm>

#include "model_loader.hpp"
#include "sha256.hpp"
#include "small_sort.hpp"

namespace ripen::detail {


int Loader::compile(const Value& v, const Path& path, Place place, int owner) {
    if (!expect(v, Kind::object, path)) return -1;
    auto invalid = [&](std::string_view pattern, std::initializer_list<detail::Piece> pieces) {
        error(&v, path, "condition.invalid", pattern, pieces);
        return -1;
    };
    auto not_allowed = [&](const char* what) {
        static const char* places[] = {"show_if", "signal conditions", "rules", "segment conditions", "track conditions"};
        error(&v, path, "condition.not_allowed", "{} conditions are not allowed in {}", {what, places[place]});
        return -1;
    };
    // Combinators
    for (const char* combinator : {"all", "any"}) {
        if (const Value* list = v.find(combinator)) {
            if (v.members.size() != 1) return invalid("\"{}\" must be the only member of its condition", {combinator});
            Path at = child(path, combinator);
            if (!expect(*list, Kind::array, at)) return -1;
            if (list->items.empty()) {
                error(list, at, "condition.invalid", "\"{}\" needs at least one condition", {combinator});
                return -1;
            }
            std::vector<std::int32_t> kids;
            bool ok = true;
            for (std::size_t i = 0; i < list->items.size(); ++i) {
                int k = compile(list->items[i], item(at, i), place, owner);
                ok = ok && k >= 0;
                kids.push_back(k);
            }
            if (!ok) return -1;
            CondNode node;
            node.op = combinator[1] == 'l' ? CondOp::all : CondOp::any;
            node.first = static_cast<std::int32_t>(comp.children.size());
            node.count = static_cast<std::int32_t>(kids.size());
            comp.children.insert(comp.children.end(), kids.begin(), kids.end());
            return add_node(node);
        }
    }
    if (const Value* inner = v.find("not")) {
        if (v.members.size() != 1) return invalid("\"not\" must be the only member of its condition", {});
        int k = compile(*inner, child(path, "not"), place, owner);
        if (k < 0) return -1;
        CondNode node;
        node.op = CondOp::negate;
        node.first = static_cast<std::int32_t>(comp.children.size());
        node.count = 1;
        comp.children.push_back(k);
        return add_node(node);
    }
    if (const Value* s = v.find("segment")) {
        if (place != place_rule && place != place_track) return not_allowed("segment");
        if (v.members.size() != 1) return invalid("\"segment\" must be the only member of its condition", {});
        std::vector<const Value*> ids;
        if (s->is_string()) ids.push_back(s);
        else if (s->is_array()) for (const auto& item : s->items) ids.push_back(&item);
        else return invalid("\"segment\" takes a segment id or a list of segment ids", {});
        CondNode node;
        node.op = CondOp::segment_in;
        for (const Value* id : ids) {
            int segment = id->is_string() ? segment_ids_.find(id->text) : -1;
            if (segment < 0) {
                if (id->is_string()) error(id, child(path, "segment"), "ref.unknown_segment", "unknown segment \"{}\"", {id->text});
                else error(id, child(path, "segment"), "ref.unknown_segment", "unknown segment {}", {json::describe(id->kind)});
                return -1;
            }
            node.mask |= std::uint64_t{1} << segment;
        }
        return add_node(node);
    }
    if (const Value* s = v.find("signal")) {
        if (place == place_show_if) return not_allowed("signal");
        check_members(v, path, "signal is");
        if (!expect(*s, Kind::string, child(path, "signal"))) return -1;
        int signal = signal_ids_.find(s->text);
        if (signal < 0) {
            error(s, child(path, "signal"), "ref.unknown_signal", "unknown signal \"{}\"", {s->text});
            return -1;
        }
        if (place == place_signal && signal >= owner) {
            error(s, child(path, "signal"), "ref.signal_order",
                  "signal \"{}\" is not defined before this one; a signal may only use earlier signals", {s->text});
            return -1;
        }
        CondNode node;
        node.op = CondOp::signal;
        node.subject = signal;
        node.expect = read_bool(v, "is", path).value_or(true);
        return add_node(node);
    }

    const char* comparisons = "lt lte gt gte eq";  // in the order of Cmp
    // Subject + exactly one operator.
    auto single_operator = [&](const char* subject, const char* ops, std::string& op, const Value*& operand) -> bool {
        if (v.members.size() != 2) {
            invalid("a \"{}\" condition needs exactly one operator (one of: {})", {subject, join(words(ops))});
            return false;
        }
        for (const auto& [key, value] : v.members) {
            if (key == subject) continue;
            if (word_index(ops, key) < 0) {
                auto names = words(ops);
                error(&value, child(path, key), "condition.invalid", "unknown operator \"{}\"{} for \"{}\" (expected one of: {})",
                      {key, suggestion(key, names), subject, join(names)});
                return false;
            }
            op = key;
            operand = &value;
        }
        return true;
    };
    auto read_string_list = [&](const Value& operand, const Path& at, std::vector<std::string>& out) -> bool {
        if (operand.is_string()) {
            out.push_back(operand.text);
            return true;
        }
        if (!operand.is_array() || operand.items.empty()) {
            error(&operand, at, "schema.type", "expected a string or a non-empty list of strings");
            return false;
        }
        for (std::size_t i = 0; i < operand.items.size(); ++i) {
            if (!expect(operand.items[i], Kind::string, item(at, i))) return false;
            out.push_back(operand.items[i].text);
        }
        return true;
    };
    auto read_domains = [&](const Value& operand, const Path& at, std::vector<std::string>& out) -> bool {
        if (!read_string_list(operand, at, out)) return false;
        for (const auto& d : out) {
            if (detail::email_domain(format("x@{}", {d})).empty()) {
                error(&operand, at, "value.domain", "\"{}\" is not a domain name such as \"example.com\"", {d});
                return false;
            }
        }
        return true;
    };
    auto read_number = [&](const Value& operand, const Path& at) -> std::optional<Decimal> {
        if (!expect(operand, Kind::number, at)) return std::nullopt;
        auto d = parse_decimal(operand.text);
        if (!d) error(&operand, at, "schema.range", "number {} is out of range", {operand.text});
        return d;
    };

    // An answer or a context value, with one operator. Both take "in"/"not_in", a presence test,
    // the five comparisons and "domain_in"/"domain_not_in" (operator k below), and compile to
    // CondOp::answer_* or the CondOp::context_* six places later.
    static_assert(static_cast<int>(CondOp::context_in) == static_cast<int>(CondOp::answer_in) + 6 &&
                  static_cast<int>(CondOp::context_domain_not_in) == static_cast<int>(CondOp::answer_domain_not_in) + 6);
    const Value* answer = v.find("answer");
    const Value* subject = answer ? answer : v.find("context");
    if (subject) {
        const char* subject_name = answer ? "answer" : "context";
        Path subject_path = child(path, subject_name);
        if (!expect(*subject, Kind::string, subject_path)) return -1;
        const Question* question = nullptr;
        CondNode node;
        if (answer) {
            int q = question_ids_.find(subject->text);
            if (q < 0) {
                std::vector<std::string_view> known;
                for (const auto& other : spec.questions) known.push_back(other.id);
                error(subject, subject_path, "ref.unknown_question", "unknown question \"{}\"{}", {subject->text, suggestion(subject->text, known)});
                return -1;
            }
            question = &spec.questions[static_cast<std::size_t>(q)];
            if (place == place_show_if) show_if_deps_[static_cast<std::size_t>(owner)].push_back(q);
            else comp.in_conditions[static_cast<std::size_t>(q)] = 1;
            node.subject = q;
        } else if (!valid_id(subject->text)) {
            error(subject, subject_path, "id.invalid", "context key \"{}\" must be an id such as \"utm_source\"", {subject->text});
            return -1;
        }
        const char* ops = answer ? "in not_in answered lt lte gt gte eq domain_in domain_not_in"
                                 : "in not_in present lt lte gt gte eq domain_in domain_not_in";
        std::string op;
        const Value* operand = nullptr;
        if (!single_operator(subject_name, ops, op, operand)) return -1;
        int k = word_index(ops, op);
        int first_op = static_cast<int>(answer ? CondOp::answer_in : CondOp::context_in);
        Path at = child(path, op);
        if (!answer) node.subject = context_key(subject->text);
        auto mismatch = [&](const char* types) {
            error(operand, at, "condition.type_mismatch", "operator \"{}\" applies to {} questions; \"{}\" is a {} question",
                  {op, types, question->id, to_string(question->type)});
            return -1;
        };
        if (k == 2) {  // answered / present
            if (!expect(*operand, Kind::boolean, at)) return -1;
            node.op = static_cast<CondOp>(first_op + 2);
            node.expect = operand->boolean;
        } else if (k <= 1) {  // in / not_in
            node.op = static_cast<CondOp>(first_op + k);
            std::vector<std::string> values;
            if (!read_string_list(*operand, at, values)) return -1;
            QuestionType type = question ? question->type : QuestionType::text;
            if (type == QuestionType::single || type == QuestionType::multiple) {
                for (const auto& value : values) {
                    auto o = std::find_if(question->options.begin(), question->options.end(), [&](const Option& x) { return x.value == value; });
                    if (o == question->options.end()) {
                        std::vector<std::string_view> known;
                        for (const auto& x : question->options) known.push_back(x.value);
                        error(operand, at, "ref.unknown_option", "\"{}\" is not an option of \"{}\"{}",
                              {value, question->id, suggestion(value, known)});
                        return -1;
                    }
                    node.mask |= std::uint64_t{1} << (o - question->options.begin());
                }
                return add_node(node);
            }
            if (type == QuestionType::number) return mismatch("choice, country and text");
            // An e-mail's conditions look at its domain: "in" a list of addresses would be a trap.
            if (type == QuestionType::email) return mismatch("choice, country and text (use domain_in for e-mail)");
            if (type == QuestionType::country) {
                for (const auto& value : values) {
                    if (!detail::is_country_code(value)) {
                        error(operand, at, "value.country", "\"{}\" is not an ISO 3166-1 alpha-2 country code", {value});
                        return -1;
                    }
                }
            }
            node.set = add_string_set(values);
        } else if (k >= 8) {  // domain_in / domain_not_in
            if (question && question->type != QuestionType::email) return mismatch("email");
            node.op = static_cast<CondOp>(first_op + 4 + (k - 8));
            if (operand->is_object()) {  // a published model's {"salt": ..., "sha256": [...]}
                node.set = read_hashed_domains(*operand, at);
                if (node.set < 0) return -1;
                return add_node(node);
            }
            std::vector<std::string> domains;
            if (!read_domains(*operand, at, domains)) return -1;
            node.set = add_string_set(domains);
        } else {  // lt lte gt gte eq
            if (question && question->type != QuestionType::number) return mismatch("number");
            auto number = read_number(*operand, at);
            if (!number) return -1;
            node.op = static_cast<CondOp>(first_op + 3);
            node.cmp = static_cast<Cmp>(k - 3);
            node.number = *number;
            if (!answer) comp.context_numeric[static_cast<std::size_t>(node.subject)] = 1;
        }
        return add_node(node);
    }
    if (const Value* criterion = v.find("criterion")) {
        if (place != place_rule && place != place_track) return not_allowed("criterion");
        if (!expect(*criterion, Kind::string, child(path, "criterion"))) return -1;
        CondNode node;
        if (criterion->text == "total") {
            node.op = CondOp::total_cmp;
        } else {
            int c = criterion_ids_.find(criterion->text);
            if (c < 0) {
                std::vector<std::string_view> known = {"total"};
                for (const auto& other : spec.criteria) known.push_back(other.id);
                error(criterion, child(path, "criterion"), "ref.unknown_criterion", "unknown criterion \"{}\"{}",
                      {criterion->text, suggestion(criterion->text, known)});
                return -1;
            }
            node.op = CondOp::criterion_cmp;
            node.subject = c;
        }
        std::string op;
        const Value* operand = nullptr;
        if (!single_operator("criterion", comparisons, op, operand)) return -1;
        Path at = child(path, op);
        if (!expect(*operand, Kind::number, at)) return -1;
        auto n = json::to_int64(operand->text);
        if (!n || *n < -100000 || *n > 100000) {
            error(operand, at, "schema.type", "criterion comparisons take an integer, got {}", {operand->text});
            return -1;
        }
        node.cmp = static_cast<Cmp>(word_index(comparisons, op));
        node.number = Decimal::from_int(*n);
        return add_node(node);
    }
    auto subjects = words("all any not answer context signal criterion segment");
    std::string first = v.members.empty() ? std::string() : v.members.front().first;
    if (first.empty()) return invalid("a condition needs one of: {}", {join(subjects)});
    return invalid("a condition needs one of: {}; got \"{}\"{}", {join(subjects), first, suggestion(first, subjects)});
}

void Loader::compile_conditions() {
    comp.show_if.assign(spec.questions.size(), -1);
    comp.in_conditions.assign(spec.questions.size(), 0);
    comp.signal_when.assign(spec.signals.size(), -1);
    for (const auto& p : show_ifs_) comp.show_if[static_cast<std::size_t>(p.owner)] = compile(*p.value, p.path, place_show_if, p.owner);
    for (const auto& p : signal_whens_) comp.signal_when[static_cast<std::size_t>(p.owner)] = compile(*p.value, p.path, place_signal, p.owner);
    for (const auto& p : rule_whens_) comp.rule_when[static_cast<std::size_t>(p.owner)] = compile(*p.value, p.path, place_rule, p.owner);
    for (const auto& p : segment_whens_) comp.segment_when[static_cast<std::size_t>(p.owner)] = compile(*p.value, p.path, place_segment, p.owner);
    for (const auto& p : track_whens_) comp.track_when[static_cast<std::size_t>(p.owner)] = compile(*p.value, p.path, place_track, p.owner);
}

void Loader::visit_show_if(int q, std::vector<int>& state, std::vector<int>& stack, bool& reported) {
    state[static_cast<std::size_t>(q)] = 1;
    stack.push_back(q);
    for (int dep : show_if_deps_[static_cast<std::size_t>(q)]) {
        if (state[static_cast<std::size_t>(dep)] == 1) {
            if (reported) continue;
            reported = true;
            std::string cycle;
            auto start = std::find(stack.begin(), stack.end(), dep);
            for (auto it = start; it != stack.end(); ++it) format_to(cycle, "{} -> ", {spec.questions[static_cast<std::size_t>(*it)].id});
            cycle += spec.questions[static_cast<std::size_t>(dep)].id;
            const Question& owner = spec.questions[static_cast<std::size_t>(*start)];
            const Value* at = nullptr;
            for (const auto& p : show_ifs_)
                if (p.owner == *start) at = p.value;
            const Path owner_path(owner.path);
            error(at, child(owner_path, "show_if"), "show_if.cycle", "show_if conditions form a cycle: {}", {cycle});
        } else if (state[static_cast<std::size_t>(dep)] == 0) {
            visit_show_if(dep, state, stack, reported);
        }
    }
    stack.pop_back();
    state[static_cast<std::size_t>(q)] = 2;
    comp.question_order.push_back(q);
    if (comp.show_if[static_cast<std::size_t>(q)] >= 0) comp.conditional.push_back(q);
}

void Loader::check_show_if_cycles() {
    std::vector<int> state(spec.questions.size(), 0);  // 0 new, 1 on the stack, 2 done
    std::vector<int> stack;
    bool reported = false;
    // Dependencies in question order, once each, so the evaluation order does not depend on how
    // the conditions were written.
    for (auto& deps : show_if_deps_) {
        detail::small_sort(deps.begin(), deps.end(), [](int a, int b) { return a < b; });
        deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
    }
    for (std::size_t q = 0; q < spec.questions.size(); ++q)
        if (state[q] == 0) visit_show_if(static_cast<int>(q), state, stack, reported);
}

// A domain list as a published model writes it: the salt and the salted digests of the
// domains (publish.hpp). Both must be there; a digest is 16 lowercase hex digits.
int Loader::read_hashed_domains(const Value& operand, const Path& at) {
    check_members(operand, at, "salt sha256");
    const Value* salt = member(operand, "salt", at, true);
    const Value* digests = member(operand, "sha256", at, true);
    if (!salt || !digests) return -1;
    if (!expect(*salt, Kind::string, child(at, "salt"))) return -1;
    if (salt->text.empty() || salt->text.size() > 64) {
        error(salt, child(at, "salt"), "value.salt", "a salt has 1 to 64 characters, this one {}", {salt->text.size()});
        return -1;
    }
    if (!expect(*digests, Kind::array, child(at, "sha256"))) return -1;
    if (digests->items.empty()) {
        error(digests, child(at, "sha256"), "schema.type", "expected a non-empty list of digests");
        return -1;
    }
    std::vector<std::string> list;
    const Path list_path = child(at, "sha256");
    for (std::size_t i = 0; i < digests->items.size(); ++i) {
        const Value& d = digests->items[i];
        if (!expect(d, Kind::string, item(list_path, i))) return -1;
        bool hex = d.text.size() == kDigestHexDigits;
        for (char c : d.text) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        if (!hex) {
            error(&d, item(list_path, i), "value.digest", "\"{}\" is not a digest: expected {} lowercase hex digits (ripen publish writes them)",
                  {d.text, kDigestHexDigits});
            return -1;
        }
        list.push_back(d.text);
    }
    comp.string_sets.push_back(StringSet::hashed(salt->text, std::move(list)));
    return static_cast<int>(comp.string_sets.size() - 1);
}

}  // namespace ripen::detail
