#include "mapping/parser.h"

#include <cstring>
#include <string>
#include <utility>

#include "mapping/eval_util.h"
#include "mapping/lexer.h"
#include "mapping/regex.h"
#include "mapping/signature.h"

namespace erphub::jsonata {

namespace {

struct OperatorInfo {
  const char* text;
  int lbp;
};

// Operators the parser knows, with their left binding power. Operators the lexer produces that
// are missing here ('!', '~') are S0204.
constexpr OperatorInfo kOperators[] = {
    {".", 75},  {"[", 80},  {"]", 0},   {"{", 70},  {"}", 0},   {"(", 80},  {")", 0},    {",", 0},
    {"@", 80},  {"#", 80},  {";", 0},   {":", 0},   {"?", 20},  {"+", 50},  {"-", 50},   {"*", 60},
    {"/", 60},  {"%", 60},  {"|", 0},   {"=", 40},  {"<", 40},  {">", 40},  {"^", 40},   {"**", 0},
    {"..", 0},  {":=", 10}, {"!=", 40}, {"<=", 40}, {">=", 40}, {"~>", 40}, {"and", 30}, {"or", 25},
    {"in", 40}, {"&", 50},  {"??", 40}, {"?:", 40},
};

const OperatorInfo* FindOperator(std::string_view text) {
  for (const auto& op : kOperators) {
    if (text == op.text) {
      return &op;
    }
  }
  return nullptr;
}

bool BinaryOpFor(std::string_view text, BinaryOp& op) {
  static constexpr struct {
    const char* text;
    BinaryOp op;
  } kBinary[] = {
      {"+", BinaryOp::kAdd},   {"-", BinaryOp::kSub}, {"*", BinaryOp::kMul},
      {"/", BinaryOp::kDiv},   {"%", BinaryOp::kMod}, {"=", BinaryOp::kEq},
      {"!=", BinaryOp::kNe},   {"<", BinaryOp::kLt},  {"<=", BinaryOp::kLe},
      {">", BinaryOp::kGt},    {">=", BinaryOp::kGe}, {"&", BinaryOp::kConcat},
      {"and", BinaryOp::kAnd}, {"or", BinaryOp::kOr}, {"in", BinaryOp::kIn},
  };
  for (const auto& b : kBinary) {
    if (text == b.text) {
      op = b.op;
      return true;
    }
  }
  return false;
}

const char* MessageFor(std::string_view code) {
  static constexpr struct {
    const char* code;
    const char* message;
  } kMessages[] = {
      {"S0201", "Syntax error"},
      {"S0202", "Expected a different token"},
      {"S0203", "Expected a token before the end of the expression"},
      {"S0204", "Unknown operator"},
      {"S0207", "Unexpected end of expression"},
      {"S0208", "Parameter of function definition must be a variable name (start with $)"},
      {"S0209", "A predicate cannot follow a grouping expression in a step"},
      {"S0210", "Each step can only have one grouping expression"},
      {"S0211", "The symbol cannot be used as a unary operator"},
      {"S0212", "The left side of := must be a variable name (start with $)"},
      {"S0213", "The literal value cannot be used as a step within a path expression"},
      {"S0214", "The right side of the operator must be a variable name (start with $)"},
      {"S0215", "A context variable binding must precede any predicates on a step"},
      {"S0216", "A context variable binding must precede the 'order-by' clause on a step"},
      {"S0217", "The object representing the 'parent' cannot be derived from this expression"},
  };
  for (const auto& m : kMessages) {
    if (code == m.code) {
      return m.message;
    }
  }
  return "Syntax error";
}

Error SyntaxError(std::string_view code, int64_t position, std::string token = {},
                  Value value = {}) {
  Error::Info info;
  info.code = std::string(code);
  info.message = MessageFor(code);
  if (!token.empty()) {
    info.message += ": " + token;
  }
  info.position = position;
  info.token = std::move(token);
  info.value = std::move(value);
  info.compile_time = true;
  return Error(std::move(info));
}

// The reference's identifier of a token's symbol.
std::string_view SymbolId(const Token& t) {
  switch (t.type) {
    case TokenType::kEnd:
      return "(end)";
    case TokenType::kName:
    case TokenType::kVariable:
      return "(name)";
    case TokenType::kString:
    case TokenType::kNumber:
    case TokenType::kValue:
      return "(literal)";
    case TokenType::kRegex:
      return "(regex)";
    case TokenType::kOperator:
      return t.text;
  }
  return "(end)";
}

int LeftBindingPower(const Token& t) {
  if (t.type != TokenType::kOperator) {
    return 0;
  }
  const OperatorInfo* op = FindOperator(t.text);
  return op != nullptr ? op->lbp : 0;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text), text_(text) {}

  JResult<ParsedExpression> Run() {
    ERPHUB_TRY(Advance());
    ERPHUB_ASSIGN_OR_RETURN(NodePtr raw, Expression(0));
    if (node_.type != TokenType::kEnd) {
      return SyntaxError("S0201", node_.position, node_.text);
    }
    ERPHUB_ASSIGN_OR_RETURN(NodePtr root, Process(std::move(raw)));
    if (root->type == NodeType::kParent || root->has_seeking_parent) {
      return SyntaxError("S0217", root->position, std::string(NodeTypeName(root->type)));
    }
    ParsedExpression parsed;
    parsed.root = std::move(root);
    parsed.slots = std::move(slots_);
    return parsed;
  }

 private:
  using NodeResult = JResult<NodePtr>;

  // Moves to the next token, first checking that the current one is `id` (if given).
  JResult<bool> Advance(std::string_view id = {}, bool infix = false) {
    if (!id.empty() && SymbolId(node_) != id) {
      const char* code = node_.type == TokenType::kEnd ? "S0203" : "S0202";
      Error err = SyntaxError(code, node_.position, node_.text, Value::Str(id));
      err.mutable_info().message += " (expected " + std::string(id) + ")";
      return err;
    }
    ERPHUB_ASSIGN_OR_RETURN(Token next, lexer_.Next(infix));
    if (next.type == TokenType::kOperator && FindOperator(next.text) == nullptr) {
      return SyntaxError("S0204", next.position, next.text);
    }
    if (next.type == TokenType::kEnd) {
      next.position = static_cast<int64_t>(text_.size());
    }
    node_ = std::move(next);
    return true;
  }

  bool At(std::string_view id) const { return SymbolId(node_) == id; }
  bool AtOperator(std::string_view op) const {
    return node_.type == TokenType::kOperator && node_.text == op;
  }

  NodeResult Expression(int rbp) {
    if (++nesting_ > kMaxNesting || StackExhausted(stack_floor_)) {
      nesting_--;
      return NestingError(node_.position);
    }
    NodeResult result = ExpressionImpl(rbp);
    nesting_--;
    return result;
  }

  // Nesting deeper than this is refused rather than risking the stack.
  static constexpr int kMaxNesting = 1000;
  static constexpr int kMaxTreeDepth = 5000;

  static Error NestingError(int64_t position) {
    Error::Info info;
    info.code = "U1001";
    info.message = "The expression is nested too deeply";
    info.position = position;
    info.compile_time = true;
    return Error(std::move(info));
  }

  NodeResult ExpressionImpl(int rbp) {
    Token t = node_;
    ERPHUB_TRY(Advance({}, true));
    ERPHUB_ASSIGN_OR_RETURN(NodePtr left, Nud(std::move(t)));
    int operators = 0;
    while (rbp < LeftBindingPower(node_)) {
      // Each operator nests the tree one level deeper on the left.
      if (++operators > kMaxTreeDepth) {
        return NestingError(node_.position);
      }
      Token op = node_;
      ERPHUB_TRY(Advance());
      ERPHUB_ASSIGN_OR_RETURN(left, Led(std::move(op), std::move(left)));
    }
    return left;
  }

  NodeResult Nud(Token t) {
    switch (t.type) {
      case TokenType::kEnd:
        return MakeNode(NodeType::kEnd, t.position);
      case TokenType::kName: {
        NodePtr n = MakeNode(NodeType::kName, t.position);
        n->name = std::move(t.text);
        return n;
      }
      case TokenType::kVariable: {
        NodePtr n = MakeNode(NodeType::kVariable, t.position);
        n->name = std::move(t.text);
        return n;
      }
      case TokenType::kString: {
        NodePtr n = MakeNode(NodeType::kString, t.position);
        n->value = Value::Str(t.text);
        n->name = std::move(t.text);
        return n;
      }
      case TokenType::kNumber: {
        NodePtr n = MakeNode(NodeType::kNumber, t.position);
        n->value = std::move(t.value);
        n->name = std::move(t.text);
        return n;
      }
      case TokenType::kValue: {
        NodePtr n = MakeNode(NodeType::kValue, t.position);
        n->value = std::move(t.value);
        n->name = std::move(t.text);
        return n;
      }
      case TokenType::kRegex: {
        ERPHUB_ASSIGN_OR_RETURN(auto regex, Regex::Compile(t.text, t.flags));
        NodePtr n = MakeNode(NodeType::kRegex, t.position);
        n->regex = std::move(regex);
        n->name = std::move(t.text);
        return n;
      }
      case TokenType::kOperator:
        break;
    }
    const std::string& op = t.text;
    if (op == "and" || op == "or" || op == "in") {
      NodePtr n = MakeNode(NodeType::kRawOperator, t.position);
      n->name = op;
      return n;
    }
    if (op == "-") {
      NodePtr n = MakeNode(NodeType::kNegate, t.position);
      ERPHUB_ASSIGN_OR_RETURN(n->expr, Expression(70));
      return n;
    }
    if (op == "*") {
      return MakeNode(NodeType::kWildcard, t.position);
    }
    if (op == "**") {
      return MakeNode(NodeType::kDescendant, t.position);
    }
    if (op == "%") {
      return MakeNode(NodeType::kParent, t.position);
    }
    if (op == "(") {
      NodePtr n = MakeNode(NodeType::kBlock, t.position);
      while (!At(")")) {
        ERPHUB_ASSIGN_OR_RETURN(NodePtr e, Expression(0));
        n->items.push_back(std::move(e));
        if (!At(";")) {
          break;
        }
        ERPHUB_TRY(Advance(";"));
      }
      ERPHUB_TRY(Advance(")", true));
      return n;
    }
    if (op == "[") {
      NodePtr n = MakeNode(NodeType::kArray, t.position);
      if (!At("]")) {
        for (;;) {
          ERPHUB_ASSIGN_OR_RETURN(NodePtr item, Expression(0));
          if (At("..")) {
            NodePtr range = MakeNode(NodeType::kBinary, node_.position);
            range->op = BinaryOp::kRange;
            range->lhs = std::move(item);
            ERPHUB_TRY(Advance(".."));
            ERPHUB_ASSIGN_OR_RETURN(range->rhs, Expression(0));
            item = std::move(range);
          }
          n->items.push_back(std::move(item));
          if (!At(",")) {
            break;
          }
          ERPHUB_TRY(Advance(","));
        }
      }
      ERPHUB_TRY(Advance("]", true));
      return n;
    }
    if (op == "{") {
      NodePtr n = MakeNode(NodeType::kObject, t.position);
      ERPHUB_TRY(ParsePairs(n->pairs));
      return n;
    }
    if (op == "|") {
      NodePtr n = MakeNode(NodeType::kTransform, t.position);
      ERPHUB_ASSIGN_OR_RETURN(n->pattern, Expression(0));
      ERPHUB_TRY(Advance("|"));
      ERPHUB_ASSIGN_OR_RETURN(n->update, Expression(0));
      if (At(",")) {
        ERPHUB_TRY(Advance(","));
        ERPHUB_ASSIGN_OR_RETURN(n->deletion, Expression(0));
      }
      ERPHUB_TRY(Advance("|"));
      return n;
    }
    return SyntaxError("S0211", t.position, op);
  }

  JResult<bool> ParsePairs(NodePairs& pairs) {
    if (!At("}")) {
      for (;;) {
        ERPHUB_ASSIGN_OR_RETURN(NodePtr key, Expression(0));
        ERPHUB_TRY(Advance(":"));
        ERPHUB_ASSIGN_OR_RETURN(NodePtr value, Expression(0));
        pairs.emplace_back(std::move(key), std::move(value));
        if (!At(",")) {
          break;
        }
        ERPHUB_TRY(Advance(","));
      }
    }
    ERPHUB_TRY(Advance("}", true));
    return true;
  }

  NodeResult Led(Token t, NodePtr left) {
    const std::string& op = t.text;
    const OperatorInfo* info = FindOperator(op);
    int bp = info != nullptr ? info->lbp : 0;
    BinaryOp bop;
    if (op == ".") {
      NodePtr n = MakeNode(NodeType::kRawMap, t.position);
      n->lhs = std::move(left);
      ERPHUB_ASSIGN_OR_RETURN(n->rhs, Expression(bp));
      return n;
    }
    if (op == "~>") {
      NodePtr n = MakeNode(NodeType::kRawApply, t.position);
      n->lhs = std::move(left);
      ERPHUB_ASSIGN_OR_RETURN(n->rhs, Expression(bp));
      return n;
    }
    if (BinaryOpFor(op, bop)) {
      NodePtr n = MakeNode(NodeType::kBinary, t.position);
      n->op = bop;
      n->name = op;
      n->lhs = std::move(left);
      ERPHUB_ASSIGN_OR_RETURN(n->rhs, Expression(bp));
      return n;
    }
    if (op == "(") {
      return ParseCall(std::move(t), std::move(left));
    }
    if (op == "[") {
      if (At("]")) {
        Node* step = left.get();
        while (step != nullptr && step->type == NodeType::kRawFilter) {
          step = step->lhs.get();
        }
        step->keep_array = true;
        ERPHUB_TRY(Advance("]"));
        return left;
      }
      NodePtr n = MakeNode(NodeType::kRawFilter, t.position);
      n->lhs = std::move(left);
      ERPHUB_ASSIGN_OR_RETURN(n->rhs, Expression(0));
      ERPHUB_TRY(Advance("]", true));
      return n;
    }
    if (op == "^") {
      NodePtr n = MakeNode(NodeType::kRawOrderBy, t.position);
      n->lhs = std::move(left);
      ERPHUB_TRY(Advance("("));
      for (;;) {
        SortTerm term;
        if (At("<")) {
          ERPHUB_TRY(Advance("<"));
        } else if (At(">")) {
          term.descending = true;
          ERPHUB_TRY(Advance(">"));
        }
        ERPHUB_ASSIGN_OR_RETURN(term.expr, Expression(0));
        n->terms.push_back(std::move(term));
        if (!At(",")) {
          break;
        }
        ERPHUB_TRY(Advance(","));
      }
      ERPHUB_TRY(Advance(")"));
      return n;
    }
    if (op == "{") {
      NodePtr n = MakeNode(NodeType::kRawGroup, t.position);
      n->lhs = std::move(left);
      ERPHUB_TRY(ParsePairs(n->pairs));
      return n;
    }
    if (op == ":=") {
      if (left->type != NodeType::kVariable) {
        return SyntaxError("S0212", left->position, left->name);
      }
      NodePtr n = MakeNode(NodeType::kRawBind, t.position);
      n->lhs = std::move(left);
      ERPHUB_ASSIGN_OR_RETURN(n->rhs, Expression(bp - 1));
      return n;
    }
    if (op == "@" || op == "#") {
      NodePtr n = MakeNode(op == "@" ? NodeType::kRawFocus : NodeType::kRawIndex, t.position);
      n->lhs = std::move(left);
      ERPHUB_ASSIGN_OR_RETURN(n->rhs, Expression(bp));
      if (n->rhs->type != NodeType::kVariable) {
        return SyntaxError("S0214", n->rhs->position, op);
      }
      return n;
    }
    if (op == "?") {
      NodePtr n = MakeNode(NodeType::kCondition, t.position);
      n->condition = std::move(left);
      ERPHUB_ASSIGN_OR_RETURN(n->then_branch, Expression(0));
      if (At(":")) {
        ERPHUB_TRY(Advance(":"));
        ERPHUB_ASSIGN_OR_RETURN(n->else_branch, Expression(0));
        n->has_else = true;
      }
      return n;
    }
    if (op == "??" || op == "?:") {
      NodePtr n = MakeNode(op == "??" ? NodeType::kCoalesce : NodeType::kElvis, t.position);
      n->condition = std::move(left);
      ERPHUB_ASSIGN_OR_RETURN(n->else_branch, Expression(0));
      n->has_else = true;
      return n;
    }
    return SyntaxError("S0201", t.position, op);
  }

  NodeResult ParseCall(Token t, NodePtr left) {
    NodePtr n = MakeNode(NodeType::kFunction, t.position);
    if (!At(")")) {
      for (;;) {
        if (AtOperator("?")) {
          n->type = NodeType::kPartial;
          n->items.push_back(MakeNode(NodeType::kPlaceholder, node_.position));
          ERPHUB_TRY(Advance("?"));
        } else {
          ERPHUB_ASSIGN_OR_RETURN(NodePtr arg, Expression(0));
          n->items.push_back(std::move(arg));
        }
        if (!At(",")) {
          break;
        }
        ERPHUB_TRY(Advance(","));
      }
    }
    ERPHUB_TRY(Advance(")", true));
    if (left->type == NodeType::kName && (left->name == "function" || left->name == "\u03BB")) {
      for (size_t i = 0; i < n->items.size(); i++) {
        const Node& arg = *n->items[i];
        if (arg.type != NodeType::kVariable) {
          return SyntaxError("S0208", arg.position, arg.name,
                             Value::Int(static_cast<int64_t>(i + 1)));
        }
        n->params.push_back(arg.name);
      }
      n->items.clear();
      n->type = NodeType::kLambda;
      if (At("<")) {
        int64_t sig_pos = node_.position;
        int depth = 1;
        std::string sig = "<";
        while (depth > 0 && !At("{") && !At("(end)")) {
          ERPHUB_TRY(Advance());
          if (At(">")) {
            depth--;
          } else if (At("<")) {
            depth++;
          }
          sig += node_.text;
        }
        ERPHUB_TRY(Advance(">"));
        auto parsed = Signature::Parse(sig);
        if (!parsed.ok()) {
          Error err = std::move(parsed).error();
          err.mutable_info().position = sig_pos + err.position();
          return err;
        }
        n->signature = std::move(parsed).value();
      }
      ERPHUB_TRY(Advance("{"));
      ERPHUB_ASSIGN_OR_RETURN(n->body, Expression(0));
      ERPHUB_TRY(Advance("}"));
      return n;
    }
    n->procedure = std::move(left);
    return n;
  }

  // ---- post-processing ----

  static void PushAncestry(Node& result, const Node& value) {
    if (!value.has_seeking_parent && value.type != NodeType::kParent) {
      return;
    }
    std::vector<Slot*> slots = value.seeking_parent;
    if (value.type == NodeType::kParent) {
      slots.push_back(value.slot);
    }
    result.seeking_parent.insert(result.seeking_parent.end(), slots.begin(), slots.end());
    result.has_seeking_parent = true;
  }

  JResult<Slot*> SeekParent(Node& node, Slot* slot) {
    switch (node.type) {
      case NodeType::kName:
      case NodeType::kWildcard:
        slot->level--;
        if (slot->level == 0) {
          if (node.ancestor == nullptr) {
            node.ancestor = slot;
          } else {
            slot->label = node.ancestor->label;
            node.ancestor = slot;
          }
          node.tuple = true;
        }
        break;
      case NodeType::kParent:
        slot->level++;
        break;
      case NodeType::kBlock:
        if (!node.items.empty()) {
          node.tuple = true;
          ERPHUB_ASSIGN_OR_RETURN(slot, SeekParent(*node.items.back(), slot));
        }
        break;
      case NodeType::kPath: {
        node.tuple = true;
        int index = static_cast<int>(node.items.size()) - 1;
        ERPHUB_ASSIGN_OR_RETURN(slot, SeekParent(*node.items[index--], slot));
        while (slot->level > 0 && index >= 0) {
          ERPHUB_ASSIGN_OR_RETURN(slot, SeekParent(*node.items[index--], slot));
        }
        break;
      }
      default:
        return SyntaxError("S0217", node.position, std::string(NodeTypeName(node.type)));
    }
    return slot;
  }

  JResult<bool> ResolveAncestry(Node& path) {
    Node& last = *path.items.back();
    std::vector<Slot*> slots = last.seeking_parent;
    if (last.type == NodeType::kParent) {
      slots.push_back(last.slot);
    }
    for (Slot* slot : slots) {
      int index = static_cast<int>(path.items.size()) - 2;
      while (slot->level > 0) {
        if (index < 0) {
          path.seeking_parent.push_back(slot);
          path.has_seeking_parent = true;
          break;
        }
        Node* step = path.items[index--].get();
        // Contiguous steps that bind the focus are skipped.
        while (index >= 0 && step->has_focus && path.items[index]->has_focus) {
          step = path.items[index--].get();
        }
        ERPHUB_ASSIGN_OR_RETURN(slot, SeekParent(*step, slot));
      }
    }
    return true;
  }

  static NodePtr WrapInPath(NodePtr step) {
    NodePtr path = MakeNode(NodeType::kPath, step->position);
    path->items.push_back(std::move(step));
    return path;
  }

  NodeResult Process(NodePtr expr) {
    const bool keep_array = expr->keep_array;
    if (++tree_depth_ > kMaxTreeDepth || StackExhausted(stack_floor_)) {
      tree_depth_--;
      return NestingError(expr->position);
    }
    NodeResult processed = ProcessNode(std::move(expr));
    tree_depth_--;
    ERPHUB_ASSIGN_OR_RETURN(NodePtr result, std::move(processed));
    if (keep_array) {
      result->keep_array = true;
    }
    return result;
  }

  NodeResult ProcessNode(NodePtr expr) {
    switch (expr->type) {
      case NodeType::kRawMap:
        return ProcessMap(std::move(expr));
      case NodeType::kRawFilter:
        return ProcessFilter(std::move(expr));
      case NodeType::kRawGroup: {
        ERPHUB_ASSIGN_OR_RETURN(NodePtr result, Process(std::move(expr->lhs)));
        if (result->group) {
          return SyntaxError("S0210", expr->position);
        }
        auto group = std::make_unique<GroupBy>();
        group->position = expr->position;
        for (auto& [k, v] : expr->pairs) {
          ERPHUB_ASSIGN_OR_RETURN(NodePtr key, Process(std::move(k)));
          ERPHUB_ASSIGN_OR_RETURN(NodePtr value, Process(std::move(v)));
          group->pairs.emplace_back(std::move(key), std::move(value));
        }
        result->group = std::move(group);
        return result;
      }
      case NodeType::kRawOrderBy: {
        ERPHUB_ASSIGN_OR_RETURN(NodePtr result, Process(std::move(expr->lhs)));
        if (result->type != NodeType::kPath) {
          result = WrapInPath(std::move(result));
        }
        NodePtr sort = MakeNode(NodeType::kSort, expr->position);
        for (SortTerm& term : expr->terms) {
          ERPHUB_ASSIGN_OR_RETURN(NodePtr e, Process(std::move(term.expr)));
          PushAncestry(*sort, *e);
          SortTerm t;
          t.descending = term.descending;
          t.expr = std::move(e);
          sort->terms.push_back(std::move(t));
        }
        result->items.push_back(std::move(sort));
        ERPHUB_TRY(ResolveAncestry(*result));
        return result;
      }
      case NodeType::kRawBind: {
        NodePtr result = MakeNode(NodeType::kBind, expr->position);
        ERPHUB_ASSIGN_OR_RETURN(result->lhs, Process(std::move(expr->lhs)));
        ERPHUB_ASSIGN_OR_RETURN(result->rhs, Process(std::move(expr->rhs)));
        PushAncestry(*result, *result->rhs);
        return result;
      }
      case NodeType::kRawFocus: {
        ERPHUB_ASSIGN_OR_RETURN(NodePtr result, Process(std::move(expr->lhs)));
        Node* step = result.get();
        if (result->type == NodeType::kPath) {
          step = result->items.back().get();
        }
        if (!step->stages.empty() || !step->predicates.empty()) {
          return SyntaxError("S0215", expr->position);
        }
        if (step->type == NodeType::kSort) {
          return SyntaxError("S0216", expr->position);
        }
        if (expr->keep_array) {
          step->keep_array = true;
        }
        step->focus = expr->rhs->name;
        step->has_focus = true;
        step->tuple = true;
        return result;
      }
      case NodeType::kRawIndex: {
        ERPHUB_ASSIGN_OR_RETURN(NodePtr result, Process(std::move(expr->lhs)));
        Node* step = result.get();
        if (result->type == NodeType::kPath) {
          step = result->items.back().get();
        } else {
          result = WrapInPath(std::move(result));
          if (!step->predicates.empty()) {
            step->stages = std::move(step->predicates);
            step->predicates.clear();
          }
        }
        if (step->stages.empty()) {
          step->index_var = expr->rhs->name;
          step->has_index = true;
        } else {
          Stage stage;
          stage.kind = Stage::Kind::kIndex;
          stage.var = expr->rhs->name;
          stage.position = expr->position;
          step->stages.push_back(std::move(stage));
        }
        step->tuple = true;
        return result;
      }
      case NodeType::kRawApply: {
        NodePtr result = MakeNode(NodeType::kApply, expr->position);
        ERPHUB_ASSIGN_OR_RETURN(result->lhs, Process(std::move(expr->lhs)));
        ERPHUB_ASSIGN_OR_RETURN(result->rhs, Process(std::move(expr->rhs)));
        result->keep_array = result->lhs->keep_array || result->rhs->keep_array;
        return result;
      }
      case NodeType::kBinary: {
        ERPHUB_ASSIGN_OR_RETURN(expr->lhs, Process(std::move(expr->lhs)));
        ERPHUB_ASSIGN_OR_RETURN(expr->rhs, Process(std::move(expr->rhs)));
        PushAncestry(*expr, *expr->lhs);
        PushAncestry(*expr, *expr->rhs);
        return expr;
      }
      case NodeType::kNegate: {
        ERPHUB_ASSIGN_OR_RETURN(expr->expr, Process(std::move(expr->expr)));
        if (expr->expr->type == NodeType::kNumber) {
          NodePtr number = std::move(expr->expr);
          number->value = Value::Num(-number->value.as_number());
          return number;
        }
        PushAncestry(*expr, *expr->expr);
        return expr;
      }
      case NodeType::kArray: {
        for (NodePtr& item : expr->items) {
          ERPHUB_ASSIGN_OR_RETURN(item, Process(std::move(item)));
          PushAncestry(*expr, *item);
        }
        return expr;
      }
      case NodeType::kObject: {
        for (auto& [k, v] : expr->pairs) {
          ERPHUB_ASSIGN_OR_RETURN(k, Process(std::move(k)));
          PushAncestry(*expr, *k);
          ERPHUB_ASSIGN_OR_RETURN(v, Process(std::move(v)));
          PushAncestry(*expr, *v);
        }
        return expr;
      }
      case NodeType::kFunction:
      case NodeType::kPartial: {
        for (NodePtr& arg : expr->items) {
          ERPHUB_ASSIGN_OR_RETURN(arg, Process(std::move(arg)));
          PushAncestry(*expr, *arg);
        }
        ERPHUB_ASSIGN_OR_RETURN(expr->procedure, Process(std::move(expr->procedure)));
        return expr;
      }
      case NodeType::kLambda: {
        ERPHUB_ASSIGN_OR_RETURN(NodePtr body, Process(std::move(expr->body)));
        expr->body = TailCallOptimize(std::move(body));
        return expr;
      }
      case NodeType::kCondition:
      case NodeType::kCoalesce:
      case NodeType::kElvis: {
        ERPHUB_ASSIGN_OR_RETURN(expr->condition, Process(std::move(expr->condition)));
        PushAncestry(*expr, *expr->condition);
        if (expr->then_branch) {
          ERPHUB_ASSIGN_OR_RETURN(expr->then_branch, Process(std::move(expr->then_branch)));
          PushAncestry(*expr, *expr->then_branch);
        }
        if (expr->else_branch) {
          ERPHUB_ASSIGN_OR_RETURN(expr->else_branch, Process(std::move(expr->else_branch)));
          PushAncestry(*expr, *expr->else_branch);
        }
        return expr;
      }
      case NodeType::kTransform: {
        ERPHUB_ASSIGN_OR_RETURN(expr->pattern, Process(std::move(expr->pattern)));
        ERPHUB_ASSIGN_OR_RETURN(expr->update, Process(std::move(expr->update)));
        if (expr->deletion) {
          ERPHUB_ASSIGN_OR_RETURN(expr->deletion, Process(std::move(expr->deletion)));
        }
        return expr;
      }
      case NodeType::kBlock: {
        for (NodePtr& item : expr->items) {
          ERPHUB_ASSIGN_OR_RETURN(item, Process(std::move(item)));
          PushAncestry(*expr, *item);
          if (item->cons_array || (item->type == NodeType::kPath && item->items[0]->cons_array)) {
            expr->cons_array = true;
          }
        }
        return expr;
      }
      case NodeType::kName: {
        bool keep = expr->keep_array;
        NodePtr path = WrapInPath(std::move(expr));
        if (keep) {
          path->keep_singleton_array = true;
        }
        return path;
      }
      case NodeType::kParent: {
        auto slot = std::make_unique<Slot>();
        slot->label = "!" + std::to_string(ancestor_label_++);
        slot->level = 1;
        slot->index = ancestor_index_++;
        expr->slot = slot.get();
        slots_.push_back(std::move(slot));
        return expr;
      }
      case NodeType::kString:
      case NodeType::kNumber:
      case NodeType::kValue:
      case NodeType::kWildcard:
      case NodeType::kDescendant:
      case NodeType::kVariable:
      case NodeType::kRegex:
      case NodeType::kPlaceholder:
        return expr;
      case NodeType::kRawOperator:
        if (expr->name == "and" || expr->name == "or" || expr->name == "in") {
          expr->type = NodeType::kName;
          return ProcessNode(std::move(expr));
        }
        return SyntaxError("S0201", expr->position, expr->name);
      case NodeType::kEnd:
        return SyntaxError("S0207", expr->position);
      default:
        return SyntaxError("S0206", expr->position);
    }
  }

  NodeResult ProcessMap(NodePtr expr) {
    ERPHUB_ASSIGN_OR_RETURN(NodePtr lstep, Process(std::move(expr->lhs)));
    NodePtr result;
    if (lstep->type == NodeType::kPath) {
      result = std::move(lstep);
    } else {
      bool is_parent = lstep->type == NodeType::kParent;
      Slot* slot = lstep->slot;
      result = WrapInPath(std::move(lstep));
      if (is_parent) {
        result->seeking_parent = {slot};
        result->has_seeking_parent = true;
      }
    }
    ERPHUB_ASSIGN_OR_RETURN(NodePtr rest, Process(std::move(expr->rhs)));
    if (rest->type == NodeType::kPath) {
      for (NodePtr& step : rest->items) {
        result->items.push_back(std::move(step));
      }
    } else {
      if (!rest->predicates.empty()) {
        rest->stages = std::move(rest->predicates);
        rest->predicates.clear();
      }
      result->items.push_back(std::move(rest));
    }
    for (NodePtr& step : result->items) {
      if (step->type == NodeType::kNumber || step->type == NodeType::kValue) {
        return SyntaxError("S0213", step->position, step->name, step->value);
      }
      if (step->type == NodeType::kString) {
        step->type = NodeType::kName;
        step->value = Value();
      }
    }
    for (const NodePtr& step : result->items) {
      if (step->keep_array) {
        result->keep_singleton_array = true;
      }
    }
    if (result->items.front()->type == NodeType::kArray) {
      result->items.front()->cons_array = true;
    }
    if (result->items.back()->type == NodeType::kArray) {
      result->items.back()->cons_array = true;
    }
    ERPHUB_TRY(ResolveAncestry(*result));
    return result;
  }

  NodeResult ProcessFilter(NodePtr expr) {
    ERPHUB_ASSIGN_OR_RETURN(NodePtr result, Process(std::move(expr->lhs)));
    Node* step = result.get();
    bool as_stage = false;
    if (result->type == NodeType::kPath) {
      step = result->items.back().get();
      as_stage = true;
    }
    if (step->group) {
      return SyntaxError("S0209", expr->position);
    }
    ERPHUB_ASSIGN_OR_RETURN(NodePtr predicate, Process(std::move(expr->rhs)));
    if (predicate->has_seeking_parent) {
      for (Slot* slot : predicate->seeking_parent) {
        if (slot->level == 1) {
          ERPHUB_TRY(SeekParent(*step, slot));
        } else {
          slot->level--;
        }
      }
      PushAncestry(*step, *predicate);
    }
    Stage stage;
    stage.kind = Stage::Kind::kFilter;
    stage.expr = std::move(predicate);
    stage.position = expr->position;
    (as_stage ? step->stages : step->predicates).push_back(std::move(stage));
    return result;
  }

  static NodePtr TailCallOptimize(NodePtr expr) {
    if (expr->type == NodeType::kFunction && expr->predicates.empty()) {
      NodePtr thunk = MakeNode(NodeType::kLambda, expr->position);
      thunk->thunk = true;
      thunk->body = std::move(expr);
      return thunk;
    }
    if (expr->type == NodeType::kCondition) {
      expr->then_branch = TailCallOptimize(std::move(expr->then_branch));
      if (expr->else_branch) {
        expr->else_branch = TailCallOptimize(std::move(expr->else_branch));
      }
      return expr;
    }
    if (expr->type == NodeType::kBlock && !expr->items.empty()) {
      expr->items.back() = TailCallOptimize(std::move(expr->items.back()));
    }
    return expr;
  }

  Lexer lexer_;
  std::string_view text_;
  Token node_;
  std::vector<std::unique_ptr<Slot>> slots_;
  uintptr_t stack_floor_ = StackFloor();
  int nesting_ = 0;
  int tree_depth_ = 0;
  int ancestor_label_ = 0;
  int ancestor_index_ = 0;
};

}  // namespace

std::string_view NodeTypeName(NodeType type) {
  switch (type) {
    case NodeType::kString:
      return "string";
    case NodeType::kNumber:
      return "number";
    case NodeType::kValue:
      return "value";
    case NodeType::kName:
      return "name";
    case NodeType::kVariable:
      return "variable";
    case NodeType::kRegex:
      return "regex";
    case NodeType::kWildcard:
      return "wildcard";
    case NodeType::kDescendant:
      return "descendant";
    case NodeType::kParent:
      return "parent";
    case NodeType::kPlaceholder:
      return "operator";
    case NodeType::kBinary:
      return "binary";
    case NodeType::kNegate:
    case NodeType::kArray:
    case NodeType::kObject:
      return "unary";
    case NodeType::kCondition:
    case NodeType::kCoalesce:
    case NodeType::kElvis:
      return "condition";
    case NodeType::kBlock:
      return "block";
    case NodeType::kBind:
      return "bind";
    case NodeType::kFunction:
      return "function";
    case NodeType::kPartial:
      return "partial";
    case NodeType::kLambda:
      return "lambda";
    case NodeType::kApply:
      return "apply";
    case NodeType::kSort:
      return "sort";
    case NodeType::kTransform:
      return "transform";
    case NodeType::kPath:
      return "path";
    default:
      return "binary";
  }
}

JResult<ParsedExpression> Parse(std::string_view text) { return Parser(text).Run(); }

}  // namespace erphub::jsonata
