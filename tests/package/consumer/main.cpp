// Uses the installed Ripen: loads a model file, decides one lead given as JSON (ripen::engine)
// and scores a CSV file (ripen::data), printing both. Exits 1 with the located issues when
// something fails.
#include <ripen/ripen.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: consumer MODEL.json REQUEST.json LEADS.csv\n";
        return 2;
    }
    auto read = [](const char* path) {
        std::ifstream file(path, std::ios::binary);
        std::ostringstream text;
        text << file.rdbuf();
        return text.str();
    };
    ripen::Result<ripen::Model> model = ripen::load_model(read(argv[1]));
    if (!model.ok()) {
        for (const ripen::Issue& issue : model.issues) std::cerr << ripen::format_issue(issue) << "\n";
        return 1;
    }
    std::string decision;
    std::vector<ripen::Issue> errors;
    if (!ripen::decide_json(*model, read(argv[2]), "", decision, errors)) {
        for (const ripen::Issue& issue : errors) std::cerr << ripen::format_issue(issue) << "\n";
        return 1;
    }
    std::cout << "ripen " << ripen::version() << "\n" << decision;

    ripen::BatchScorer scorer(*model, ripen::BatchScorer::Format::csv);
    std::string scored;
    scorer.feed(read(argv[3]), scored, errors);
    scorer.finish(scored, errors);
    for (const ripen::Issue& issue : errors) std::cerr << ripen::format_issue(issue) << "\n";
    std::cout << scored;
    return errors.empty() ? 0 : 1;
}
