// ripen publish: the full model's document, rewritten for visitors (see publish.hpp).
#include "ripen/publish.hpp"

#include <algorithm>
#include <map>

#include "sha256.hpp"
#include "text_match.hpp"

namespace ripen {

namespace {

using json::Value;

class Publisher {
public:
    Publisher(PublishResult& result) : r_(result) {}

    void run(Value& doc) {
        erase(doc, "description");
        erase(doc, "provenance");
        place_audience(doc);
        if (Value* criteria = doc.find("criteria"))
            for (Value& c : criteria->items) strip_labels(c);
        // Ids first: conditions anywhere may name a signal.
        if (Value* signals = doc.find("signals"))
            for (std::size_t i = 0; i < signals->items.size(); ++i)
                rename(signals->items[i], "signal_" + std::to_string(i + 1), &signal_ids_);
        if (Value* rules = doc.find("rules")) {
            int knockouts = 0, gates = 0;
            for (Value& rule : rules->items) {
                const Value* kind = rule.find("kind");
                bool gate = kind && kind->is_string() && kind->text == "gate";
                rename(rule, gate ? "gate_" + std::to_string(++gates) : "knockout_" + std::to_string(++knockouts), nullptr);
            }
        }
        for (const char* list : {"signals", "rules", "segments"})
            if (Value* items = doc.find(list))
                for (Value& item : items->items) {
                    strip_labels(item);
                    rewrite_condition(item.find("when"));
                }
        if (Value* segments = doc.find("segments"))
            for (Value& segment : segments->items)
                if (const Value* cadence = segment.find("cadence")) {
                    r_.touches_removed += static_cast<int>(cadence->items.size());
                    erase(segment, "cadence");
                }
        if (Value* questions = doc.find("questions"))
            for (Value& q : questions->items) rewrite_condition(q.find("show_if"));
        if (Value* nurture = doc.find("nurture")) {
            if (const Value* reasons = nurture->find("rejection")) {
                r_.reasons_removed = static_cast<int>(reasons->items.size());
                erase(*nurture, "rejection");
            }
            if (Value* tracks = nurture->find("tracks"))
                for (Value& track : tracks->items) {
                    strip_labels(track);
                    rewrite_condition(track.find("when"));
                }
        }
    }

private:
    static bool erase(Value& obj, std::string_view key) {
        auto at = std::find_if(obj.members.begin(), obj.members.end(), [&](const auto& m) { return m.first == key; });
        if (at == obj.members.end()) return false;
        obj.members.erase(at);
        return true;
    }

    // "audience": "visitor" right after the version, where a reader looks first.
    static void place_audience(Value& doc) {
        erase(doc, "audience");
        auto at = std::find_if(doc.members.begin(), doc.members.end(), [](const auto& m) { return m.first == "version"; });
        if (at == doc.members.end()) at = std::find_if(doc.members.begin(), doc.members.end(), [](const auto& m) { return m.first == "id"; });
        if (at != doc.members.end()) ++at;
        doc.members.insert(at, {"audience", Value::make_string("visitor")});
    }

    void strip_labels(Value& obj) {
        r_.labels_removed += erase(obj, "label") ? 1 : 0;
        r_.labels_removed += erase(obj, "description") ? 1 : 0;
    }

    void rename(Value& obj, std::string id, std::map<std::string, std::string>* ids) {
        Value* old = obj.find("id");
        if (!old || !old->is_string()) return;
        if (ids) (*ids)[old->text] = id;
        old->text = std::move(id);
        ++r_.ids_renamed;
    }

    // Conditions nest through all / any / not; every object inside is a condition.
    void rewrite_condition(Value* v) {
        if (!v) return;
        if (v->is_array()) {
            for (Value& item : v->items) rewrite_condition(&item);
            return;
        }
        if (!v->is_object()) return;
        for (auto& [key, value] : v->members) {
            if (key == "signal" && value.is_string()) {
                if (auto it = signal_ids_.find(value.text); it != signal_ids_.end()) value.text = it->second;
            } else if ((key == "domain_in" || key == "domain_not_in") && (value.is_string() || value.is_array())) {
                value = hashed(value);
            } else {
                rewrite_condition(&value);
            }
        }
    }

    // In the order the loader keeps a plain list (lowercase, sorted, without repeats), so the
    // first digest stands for the same domain as the plain list's first item.
    Value hashed(const Value& list) {
        std::vector<std::string> domains;
        if (list.is_string()) domains.push_back(detail::lowercase(list.text));
        for (const Value& item : list.items) domains.push_back(detail::lowercase(item.text));
        std::sort(domains.begin(), domains.end());
        domains.erase(std::unique(domains.begin(), domains.end()), domains.end());
        Value out = Value::make_object();
        out.set("salt", Value::make_string(r_.salt));
        Value digests = Value::make_array();
        for (const auto& d : domains) digests.items.push_back(Value::make_string(detail::salted_digest(r_.salt, d)));
        out.set("sha256", std::move(digests));
        ++r_.lists_hashed;
        r_.domains_hashed += static_cast<int>(domains.size());
        return out;
    }

    PublishResult& r_;
    std::map<std::string, std::string> signal_ids_;
};

}  // namespace

PublishResult publish_model(const Model& model, std::string_view salt) {
    PublishResult result;
    Value doc = model.source();
    result.salt = salt.empty() ? detail::salted_digest("ripen publish", json::to_string(doc)) : std::string(salt);
    Publisher(result).run(doc);
    result.json = json::to_string(doc) + "\n";
    return result;
}

}  // namespace ripen
