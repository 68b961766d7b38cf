"""The standard Jupyter kernel conformance suite (jupyter_kernel_test) run against the course kernel,
for the messages it supports: kernel_info, execute (stdout, stderr, result, display, error),
complete, is_complete, inspect. History and the pager are not supported (replies are empty).
"""
import unittest

import jupyter_kernel_test

MARK = "\\u{1f}dlcourse-display "


class CourseKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "rust"
    language_name = "rust"
    file_extension = ".rs"

    code_hello_world = 'println!("hello, world");'
    code_stderr = 'eprintln!("to stderr");'
    code_generate_error = 'panic!("a deliberate panic");'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a".repeat(3)', "result": '"aaa"'},
    ]
    code_display_data = [
        {"code": 'println!("%s{{\\"data\\":{{\\"text/plain\\":\\"shown\\"}},\\"display_id\\":null,\\"update\\":false}}");' % MARK,
         "mime": "text/plain"},
    ]
    completion_samples = [{"text": "std::collections::HashM", "matches": {"HashMap"}}]
    complete_code_samples = ["let x = 1;", "fn f() {}", "let s = \"{\";"]
    incomplete_code_samples = ["fn f() {", "let v = vec![1,", "let s = \"open"]
    invalid_code_samples = ["let x = 1; }"]
    code_inspect_sample = "String"


if __name__ == "__main__":
    unittest.main()
