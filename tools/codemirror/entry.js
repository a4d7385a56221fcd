// The parts of CodeMirror 6 the lab's code cells use, bundled into one ES module
// (src/neuronlab/lab/static/vendor/codemirror.js) by tools/build_codemirror.sh.
export { EditorView, keymap, lineNumbers } from "@codemirror/view";
export { EditorState, Prec, Compartment } from "@codemirror/state";
export { basicSetup } from "codemirror";
export { python } from "@codemirror/lang-python";
export { indentWithTab } from "@codemirror/commands";
