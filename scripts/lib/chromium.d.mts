export declare const chromiumPath: string;
export declare const useSystemChromium: boolean;
export declare const chromiumArgs: string[];
export declare function launchOptions(): { executablePath?: string; args: string[] };
