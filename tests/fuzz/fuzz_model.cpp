// Model loading: any bytes either load or give issues. A model that loads is then used as the
// form and the tools use it: sample leads are generated and each is decided, explained (in its
// languages), turned into JSON, and asked for its next questions.
#include <cstdlib>
#include <string>

#include "ripen/decision.hpp"
#include "ripen/json_value.hpp"
#include "ripen/model.hpp"
#include "ripen/sample.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    ripen::Result<ripen::Model> model = ripen::load_model(text);
    if (!model.ok()) {
        if (!ripen::has_errors(model.issues)) std::abort();  // refused without saying why
        return 0;
    }
    ripen::LeadGenerator generator(*model, size);
    ripen::SampleLead lead;
    std::string csv = generator.csv_header();
    for (int i = 0; i < 8; ++i) {
        generator.next(lead);
        generator.append_csv(lead, csv);
        ripen::Context context;
        ripen::Decision decision = ripen::decide(*model, lead.answers, context);
        std::string decision_json = ripen::to_json(*model, decision, "", -1);
        if (!ripen::json::parse(decision_json).ok()) std::abort();
        (void)ripen::explain(*model, decision, "");
        (void)ripen::explain(*model, decision, "de");
        (void)ripen::next_questions(*model, lead.answers, context, 3);
    }
    ripen::Decision empty = ripen::decide(*model, ripen::empty_answers(*model), ripen::Context{});
    (void)ripen::explain(*model, empty, "");
    (void)ripen::next_questions(*model, ripen::empty_answers(*model), ripen::Context{}, 5);
    return 0;
}
