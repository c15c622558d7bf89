import { confirm, select } from "@clack/prompts";
import type { StartAnswers, Question } from "./decide.ts";
import { prompt, type PromptIO } from "./prompt.ts";

/** Puts one of the picker's questions to a person and returns the answers with it added. */
export async function askQuestion(question: Question, answers: StartAnswers, io: PromptIO): Promise<StartAnswers> {
  switch (question.key) {
    case "agent": {
      const agent = await prompt(io, (common) =>
        select({ ...common, message: question.message, options: question.options, initialValue: question.initial }),
      );
      return { ...answers, agent };
    }
    case "backend": {
      const backend = await prompt(io, (common) =>
        select({ ...common, message: question.message, options: question.options, initialValue: question.initial }),
      );
      return { ...answers, backend };
    }
    case "copyCwd": {
      const copyCwd = await prompt(io, (common) => confirm({ ...common, message: question.message, initialValue: question.initial }));
      return { ...answers, copyCwd };
    }
  }
}
