/** An operator's answer (it travels in the player's inbox notification, whose values stay short). */
export const SUPPORT_ANSWER_LENGTH_MAX = 500;
/** Conversations listed or exported at once (the newest). */
export const SUPPORT_THREADS_MAX = 200;
